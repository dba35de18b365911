/*
 * printf-style formatting for inmates, with floating point. Deterministic and self-contained
 * (no libc): the same source prints the same text wherever it runs, which is what the
 * comparisons against qemu-aarch64 rely on. Conversions are exact (the double's full decimal
 * expansion, rounded half to even), so %f/%e/%g print what glibc prints.
 */
#include "inmate.h"

struct out {
	char *buf;
	size_t size, len;
};

static void emit(struct out *o, char c)
{
	if (o->buf) {
		if (o->len + 1 < o->size)
			o->buf[o->len] = c;
	} else {
		console_putc(c);
	}
	o->len++;
}

struct spec {
	int left, plus, space, zero, alt, width, prec;
};

/* Emits `body` (len chars, already with its sign/prefix in `pre`) padded to the width. */
static void field(struct out *o, const struct spec *sp, const char *pre, const char *body, int len)
{
	int plen = (int)strlen(pre);
	int pad = sp->width - len - plen;
	if (!sp->left && !sp->zero)
		for (; pad > 0; pad--)
			emit(o, ' ');
	while (*pre)
		emit(o, *pre++);
	if (!sp->left && sp->zero)
		for (; pad > 0; pad--)
			emit(o, '0');
	for (int i = 0; i < len; i++)
		emit(o, body[i]);
	for (; pad > 0; pad--)
		emit(o, ' ');
}

static int utoa(unsigned long long v, unsigned base, int upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		*--end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

static void integer(struct out *o, struct spec *sp, unsigned long long v, int neg, unsigned base, int upper)
{
	char tmp[72];
	char *end = tmp + sizeof(tmp);
	int n = (sp->prec == 0 && v == 0) ? 0 : utoa(v, base, upper, end);
	char *body = end - n;
	while (sp->prec > n) {
		*--body = '0';
		n++;
	}
	const char *pre = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	if (sp->alt && base == 16 && v)
		pre = upper ? "0X" : "0x";
	if (sp->alt && base == 8 && body[0] != '0') {
		*--body = '0';
		n++;
	}
	if (sp->prec >= 0)
		sp->zero = 0;
	field(o, sp, pre, body, n);
}

/*
 * Exact decimal expansion of a finite |x| > 0: x = m * 2^e, so x = m * 2^e (e >= 0) or
 * m * 5^-e / 10^-e (e < 0), an integer in base 10^9 limbs. Returns the number of digits
 * written to `dig` (no leading zeros) and sets *point: x = 0.dig * 10^point.
 */
#define LIMB 1000000000u
static int exact_digits(double ax, char *dig, int *point)
{
	union { double d; unsigned long long u; } b = { .d = ax };
	int be = (int)((b.u >> 52) & 0x7ff);
	unsigned long long m = b.u & ((1ull << 52) - 1);
	if (be)
		m |= 1ull << 52;
	else
		be = 1;
	int e = be - 1075;
	unsigned int limb[130];
	int n = 0;
	do {
		limb[n++] = (unsigned int)(m % LIMB);
		m /= LIMB;
	} while (m);
	int k = e >= 0 ? e : -e;
	while (k > 0) { /* multiply by 2^c or 5^c, c chosen so limb * factor fits 64 bits */
		int c = e >= 0 ? (k > 29 ? 29 : k) : (k > 13 ? 13 : k);
		unsigned long long f = 1;
		for (int i = 0; i < c; i++)
			f *= e >= 0 ? 2 : 5;
		unsigned long long carry = 0;
		for (int i = 0; i < n; i++) {
			unsigned long long v = limb[i] * f + carry;
			limb[i] = (unsigned int)(v % LIMB);
			carry = v / LIMB;
		}
		while (carry) {
			limb[n++] = (unsigned int)(carry % LIMB);
			carry /= LIMB;
		}
		k -= c;
	}
	int len = 0;
	for (int i = n - 1; i >= 0; i--) {
		unsigned int v = limb[i];
		char t[9];
		for (int j = 8; j >= 0; j--) {
			t[j] = (char)('0' + v % 10);
			v /= 10;
		}
		for (int j = 0; j < 9; j++)
			if (len || t[j] != '0')
				dig[len++] = t[j];
	}
	*point = len - (e < 0 ? -e : 0);
	return len;
}

/*
 * Rounds the digit string to `keep` digits (round half to even on the exact value, as glibc in
 * the default rounding mode); a carry out of the first digit prepends a 1 and bumps *point.
 * keep <= 0 keeps nothing (the result is 0 or, rounding up, a single 1 one place higher).
 */
static int round_digits(char *dig, int len, int keep, int *point)
{
	if (keep >= len)
		return len;
	int up;
	if (keep < 0) {
		up = 0;
	} else {
		char next = dig[keep];
		int rest = 0;
		for (int i = keep + 1; i < len; i++)
			rest |= dig[i] != '0';
		int odd = keep > 0 && ((dig[keep - 1] - '0') & 1);
		up = next > '5' || (next == '5' && (rest || odd));
	}
	if (!up)
		return keep > 0 ? keep : 0;
	if (keep == 0) {
		dig[0] = '1';
		(*point)++;
		return 1;
	}
	int i = keep - 1;
	while (i >= 0 && dig[i] == '9')
		dig[i--] = '0';
	if (i >= 0) {
		dig[i]++;
		return keep;
	}
	for (int j = keep; j > 0; j--)
		dig[j] = dig[j - 1];
	dig[0] = '1';
	(*point)++;
	return keep + 1;
}

/* digit i of the rounded string, '0' beyond its end */
static char digit_at(const char *dig, int len, int i)
{
	return i >= 0 && i < len ? dig[i] : '0';
}

/* Fixed notation of |x| with prec decimals into buf. */
static int fixed(double ax, int prec, int alt, char *buf)
{
	char dig[800];
	int point = 1, len = 0;
	if (ax != 0)
		len = exact_digits(ax, dig, &point);
	len = round_digits(dig, len, point + prec, &point);
	int n = 0;
	if (point <= 0 || len == 0)
		buf[n++] = '0';
	for (int i = 0; i < point && len; i++)
		buf[n++] = digit_at(dig, len, i);
	if (prec || alt)
		buf[n++] = '.';
	for (int i = 0; i < prec; i++)
		buf[n++] = len ? digit_at(dig, len, point + i) : '0';
	return n;
}

/* Scientific notation of |x| (finite) with prec decimals: d.ddde+XX; *exp10 = XX. */
static int sci(double ax, int prec, int alt, int upper, char *buf, int *exp10)
{
	char dig[800];
	int point = 1, len = 0;
	if (ax != 0)
		len = exact_digits(ax, dig, &point);
	len = round_digits(dig, len, prec + 1, &point);
	int e = len ? point - 1 : 0;
	int n = 0;
	buf[n++] = digit_at(dig, len, 0);
	if (prec || alt)
		buf[n++] = '.';
	for (int i = 1; i <= prec; i++)
		buf[n++] = digit_at(dig, len, i);
	buf[n++] = upper ? 'E' : 'e';
	buf[n++] = e < 0 ? '-' : '+';
	int ae = e < 0 ? -e : e;
	if (ae >= 100)
		buf[n++] = (char)('0' + ae / 100);
	buf[n++] = (char)('0' + ae / 10 % 10);
	buf[n++] = (char)('0' + ae % 10);
	*exp10 = e;
	return n;
}

static void floating(struct out *o, struct spec *sp, double x, char conv)
{
	char buf[700];
	int upper = conv == 'F' || conv == 'E' || conv == 'G';
	union { double d; unsigned long long u; } bits = { .d = x };
	int neg = (int)(bits.u >> 63);
	double ax = neg ? -x : x;
	const char *pre = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	if (x != x || ax == __builtin_inf()) {
		sp->zero = 0;
		field(o, sp, pre, x != x ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 3);
		return;
	}
	int prec = sp->prec < 0 ? 6 : sp->prec > 300 ? 300 : sp->prec;
	int len, e;
	char c = conv | 0x20;
	if (c == 'g') {
		int p = prec ? prec : 1;
		sci(ax, p - 1, 0, upper, buf, &e);
		if (e >= -4 && e < p) {
			len = fixed(ax, p - 1 - e, sp->alt, buf);
		} else {
			len = sci(ax, p - 1, sp->alt, upper, buf, &e);
		}
		if (!sp->alt) { /* drop trailing zeros of the fraction */
			int epos = len;
			for (int i = 0; i < len; i++)
				if (buf[i] == 'e' || buf[i] == 'E')
					epos = i;
			int dot = -1;
			for (int i = 0; i < epos; i++)
				if (buf[i] == '.')
					dot = i;
			if (dot >= 0) {
				int cut = epos;
				while (cut > dot + 1 && buf[cut - 1] == '0')
					cut--;
				if (cut == dot + 1)
					cut = dot;
				for (int i = epos; i < len; i++)
					buf[cut + i - epos] = buf[i];
				len = cut + len - epos;
			}
		}
	} else if (c == 'e') {
		len = sci(ax, prec, sp->alt, upper, buf, &e);
	} else {
		len = fixed(ax, prec, sp->alt, buf);
	}
	field(o, sp, pre, buf, len);
}

static int format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(o, *fmt);
			continue;
		}
		struct spec sp = { 0, 0, 0, 0, 0, 0, -1 };
		for (;; fmt++) {
			char f = fmt[1];
			if (f == '-') sp.left = 1;
			else if (f == '+') sp.plus = 1;
			else if (f == ' ') sp.space = 1;
			else if (f == '0') sp.zero = 1;
			else if (f == '#') sp.alt = 1;
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) { sp.left = 1; sp.width = -sp.width; }
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.prec = sp.prec * 10 + (*fmt++ - '0');
		}
		int lng = 0; /* -2 hh, -1 h, 1 l, 2 ll, 3 z/j/t */
		for (;; fmt++) {
			if (*fmt == 'h') lng = lng == -1 ? -2 : -1;
			else if (*fmt == 'l') lng = lng == 1 ? 2 : 1;
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') lng = 3;
			else break;
		}
		char conv = *fmt;
		if (!conv)
			break;
		switch (conv) {
		case 'd': case 'i': {
			long long v = lng >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
			if (lng == -1) v = (short)v;
			if (lng == -2) v = (signed char)v;
			integer(o, &sp, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0, 10, 0);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			unsigned long long v = lng >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			if (lng == -1) v = (unsigned short)v;
			if (lng == -2) v = (unsigned char)v;
			integer(o, &sp, v, 0, conv == 'o' ? 8 : conv == 'u' ? 10 : 16, conv == 'X');
			break;
		}
		case 'p':
			sp.alt = 1;
			integer(o, &sp, (unsigned long long)(uintptr_t)va_arg(ap, void *), 0, 16, 0);
			break;
		case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
			floating(o, &sp, va_arg(ap, double), conv);
			break;
		case 'c': {
			char ch = (char)va_arg(ap, int);
			sp.zero = 0;
			field(o, &sp, "", &ch, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = 0;
			while (s[n] && (sp.prec < 0 || n < sp.prec))
				n++;
			sp.zero = 0;
			field(o, &sp, "", s, n);
			break;
		}
		default:
			emit(o, '%');
			emit(o, conv);
			break;
		}
	}
	return (int)o->len;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int n = format(&o, fmt, ap);
	if (buf && size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	struct out o = { 0, 0, 0 };
	return format(&o, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
