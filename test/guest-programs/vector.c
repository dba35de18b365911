/*
 * What compilers do with the V registers on their own: auto-vectorised loops (-O3) over 8-,
 * 16-, 32- and 64-bit integers and floats (sums, dot products, saxpy, min/max, byte
 * histograms), __builtin_popcountll (fmov/cnt/addv even without vectorisation), memcpy/memset
 * and struct copies through Q registers, and varargs.
 */
#include "inmate.h"

#define N 1024

static unsigned char b8[N];
static short h16[N];
static int w32[N], v32[N];
static long long d64[N];
static float fx[N], fy[N];
static double dx[N];

struct rec {
	int id;
	double weight;
	char name[20];
	long long stamp[3];
};

static struct rec recs[16];

static unsigned int lcg(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static long long sum_vararg(int n, ...)
{
	va_list ap;
	va_start(ap, n);
	long long s = 0;
	for (int i = 0; i < n; i++)
		s += i & 1 ? (long long)va_arg(ap, double) : va_arg(ap, long long);
	va_end(ap);
	return s;
}

void inmate_main(void)
{
	unsigned int seed = 12345;
	for (int i = 0; i < N; i++) {
		b8[i] = (unsigned char)lcg(&seed);
		h16[i] = (short)lcg(&seed);
		w32[i] = (int)lcg(&seed) - 0x400000;
		v32[i] = (int)(lcg(&seed) & 0xffff);
		d64[i] = (long long)lcg(&seed) * 0x10001;
		fx[i] = (float)(lcg(&seed) % 1000) / 7.0f;
		fy[i] = (float)(lcg(&seed) % 1000) / 13.0f;
		dx[i] = (double)lcg(&seed) / 3.0;
	}
	unsigned int s8 = 0;
	int hist[16] = { 0 };
	for (int i = 0; i < N; i++) {
		s8 += b8[i];
		hist[b8[i] & 15]++;
	}
	int s16 = 0, mx16 = -32768, mn16 = 32767;
	for (int i = 0; i < N; i++) {
		s16 += h16[i];
		mx16 = h16[i] > mx16 ? h16[i] : mx16;
		mn16 = h16[i] < mn16 ? h16[i] : mn16;
	}
	long long dot = 0;
	for (int i = 0; i < N; i++)
		dot += (long long)w32[i] * v32[i];
	long long s64 = 0;
	for (int i = 0; i < N; i++)
		s64 += d64[i] >> 3;
	float saxpy = 0;
	for (int i = 0; i < N; i++) {
		fy[i] = 2.5f * fx[i] + fy[i];
		saxpy += fy[i];
	}
	double dsum = 0;
	for (int i = 0; i < N; i++)
		dsum += dx[i] * 0.5;
	int pop = 0;
	for (int i = 0; i < N; i++)
		pop += __builtin_popcountll((unsigned long long)d64[i]);
	printk("u8 sum %u hist %d %d %d %d\n", s8, hist[0], hist[5], hist[10], hist[15]);
	printk("s16 sum %d max %d min %d\n", s16, mx16, mn16);
	printk("dot %lld s64 %lld popcount %d\n", dot, s64, pop);
	printk("saxpy %.3f dsum %.6e\n", (double)saxpy, dsum);
	for (int i = 0; i < 16; i++) {
		struct rec r = { i, i * 1.25, "record", { i, -i, i * i } };
		r.name[6] = (char)('a' + i);
		recs[i] = r;
	}
	struct rec copy[16];
	memcpy(copy, recs, sizeof(copy));
	memset(recs, 0, sizeof(recs));
	long long chk = 0;
	for (int i = 0; i < 16; i++)
		chk += copy[i].id + (long long)copy[i].weight + copy[i].name[6] + copy[i].stamp[2] + recs[i].id;
	printk("records %s %s checksum %lld\n", copy[3].name, copy[15].name, chk);
	printk("varargs %lld\n", sum_vararg(6, 1ll, 2.75, 3ll, 4.5, 5ll, 6.25));
}
