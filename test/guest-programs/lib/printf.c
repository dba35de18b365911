/*
 * A small printf: %d %i %u %x %X %o %c %s %p %% with the l/ll/z length modifiers, field
 * width, precision for strings and integers, and the '-', '0', '+', ' ' and '#' flags.
 */
#include "io.h"

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
		put_char(c);
	}
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void number(struct out *o, unsigned long long v, int neg, unsigned base, int upper,
		   int width, int prec, int left, int zero, char sign, int alt)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len, zeros;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	zeros = prec > n ? prec - n : 0;
	if (alt && base == 16)
		prefix = upper ? "0X" : "0x";
	else if (alt && base == 8 && zeros == 0)
		prefix = "0";
	len = n + zeros + (neg || sign ? 1 : 0);
	for (const char *p = prefix; *p; p++)
		len++;
	if (zero && !left && prec < 0) {
		zeros += width > len ? width - len : 0;
		len = width;
	}
	if (!left)
		pad(o, ' ', width - len);
	if (neg)
		emit(o, '-');
	else if (sign)
		emit(o, sign);
	for (const char *p = prefix; *p; p++)
		emit(o, *p);
	pad(o, '0', zeros);
	while (n)
		emit(o, tmp[--n]);
	if (left)
		pad(o, ' ', width - len);
}

static int format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int left = 0, zero = 0, alt = 0, width = 0, prec = -1, lng = 0;
		char sign = 0;

		if (*fmt != '%') {
			emit(o, *fmt);
			continue;
		}
		for (;;) {
			char f = *++fmt;
			if (f == '-') left = 1;
			else if (f == '0') zero = 1;
			else if (f == '+') sign = '+';
			else if (f == ' ') { if (!sign) sign = ' '; }
			else if (f == '#') alt = 1;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) { left = 1; width = -width; }
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': case 'i': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
			number(o, u, v < 0, 10, 0, width, prec, left, zero, sign, 0);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			number(o, v, 0, base, *fmt == 'X', width, prec, left, zero, 0, alt);
			break;
		}
		case 'p':
			number(o, (unsigned long long)(size_t)va_arg(ap, void *), 0, 16, 0, width, prec, left, zero, 0, 1);
			break;
		case 'c':
			if (!left) pad(o, ' ', width - 1);
			emit(o, (char)va_arg(ap, int));
			if (left) pad(o, ' ', width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;
			if (!s) s = "(null)";
			while (s[n] && (prec < 0 || n < prec)) n++;
			if (!left) pad(o, ' ', width - n);
			for (int i = 0; i < n; i++) emit(o, s[i]);
			if (left) pad(o, ' ', width - n);
			break;
		}
		case '%':
			emit(o, '%');
			break;
		default:
			emit(o, '%');
			if (*fmt) emit(o, *fmt);
			else fmt--;
			break;
		}
	}
	return (int)o->len;
}

int tp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int n = format(&o, fmt, ap);
	if (buf && size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return n;
}

int tp_printf(const char *fmt, ...)
{
	struct out o = { 0, 0, 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format(&o, fmt, ap);
	va_end(ap);
	return n;
}
