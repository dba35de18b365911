/*
 * Floating point as ordinary C uses it: float and double arithmetic (GCC contracts a*b+c into
 * fused multiply-add at -O2), sqrt, conversions between every integer width and both formats
 * (incl. unsigned 64 and the saturating out-of-range ones), rounding, long double (binary128,
 * computed by libgcc's soft-fp helpers), comparisons with NaN, varargs printing of doubles.
 */
#include "inmate.h"

static volatile double vd[] = { 0.1, -2.5, 1e300, 3e-310, 123456789.125, -0.0 };
static volatile float vf[] = { 0.1f, -2.5f, 3.4e38f, 1e-40f, 16777217.0f, 0.3333333f };

static double leibniz_pi(int n)
{
	double s = 0;
	for (int k = 0; k < n; k++)
		s += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
	return s;
}

static double newton_sqrt(double x)
{
	double r = x > 1 ? x / 2 : 1;
	for (int i = 0; i < 60; i++)
		r = 0.5 * (r + x / r);
	return r;
}

static float horner(const float *c, int n, float x)
{
	float r = 0;
	for (int i = n - 1; i >= 0; i--)
		r = r * x + c[i];
	return r;
}

static unsigned long long bits(double d)
{
	union { double d; unsigned long long u; } u = { .d = d };
	return u.u;
}

void inmate_main(void)
{
	printk("pi ~ %.12f (leibniz 100000)\n", leibniz_pi(100000));
	printk("sqrt(2) = %.15f newton %.15f\n", __builtin_sqrt(2.0), newton_sqrt(2.0));
	static const float coef[] = { 1.0f, -0.5f, 0.25f, -0.125f, 0.0625f };
	for (int i = 0; i < 4; i++)
		printk("horner(%g) = %.7g\n", vf[i], (double)horner(coef, 5, vf[i]));
	for (unsigned i = 0; i < sizeof(vd) / sizeof(vd[0]); i++) {
		double d = vd[i];
		printk("d=%-14g bits %016llx f=%g i32=%d i64=%lld u64=%llu\n", d, bits(d), (double)(float)d,
		       (int)(d > 2e9 || d < -2e9 ? 0 : d), (long long)(d > 9e18 || d < -9e18 ? 0 : d),
		       (unsigned long long)(d < 0 || d > 1.8e19 ? 0 : d));
	}
	unsigned long long big[] = { 0, 1, 0x7fffffffffffffffull, 0x8000000000000001ull, 0xffffffffffffffffull };
	for (unsigned i = 0; i < 5; i++)
		printk("u64 %llu -> double %.17g float %.9g\n", big[i], (double)big[i], (double)(float)big[i]);
	long long sb[] = { -1, -9007199254740993ll, 0x7ffffffffffffc00ll };
	for (unsigned i = 0; i < 3; i++)
		printk("s64 %lld -> double %.17g\n", sb[i], (double)sb[i]);
	double acc = 1;
	for (int i = 1; i <= 25; i++)
		acc *= i;
	printk("25! = %.17e, 1/25! = %.17e\n", acc, 1 / acc);
	long double q = 1;
	for (int i = 1; i <= 30; i++)
		q = q * i / 3;
	printk("long double 30!/3^30 = %.15g\n", (double)q);
	long double third = 1.0L / 3;
	printk("long double 1/3 * 3 - 1 = %g\n", (double)(third * 3 - 1));
	volatile double nan = __builtin_nan(""), inf = __builtin_inf();
	printk("nan<1 %d nan==nan %d inf>1e308 %d -inf<0 %d nan %f inf %f\n", nan < 1, nan == nan, inf > 1e308, -inf < 0, nan, -inf);
	double mix = 0;
	for (int i = 0; i < 1000; i++)
		mix += (double)(i * i) / (i + 1.5) - (float)i * 0.25f;
	printk("mix %.10f floor %ld ceil %ld trunc %ld round %ld\n", mix, (long)__builtin_floor(-mix),
	       (long)__builtin_ceil(-mix), (long)__builtin_trunc(-mix), (long)__builtin_round(-mix));
	printk("fmin/fmax %g %g, fabs %g, copysign %g\n", __builtin_fmin(vd[0], vd[1]), __builtin_fmax(vd[0], vd[1]),
	       __builtin_fabs(vd[1]), __builtin_copysign(3.0, vd[5]));
}
