/* A generic quicksort (median of three, insertion sort for small runs) on ints and strings. */
#include "io.h"

typedef int (*cmp_fn)(const void *, const void *);

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void sort(void *base, size_t n, size_t size, cmp_fn cmp)
{
	char *a = base;

	while (n > 8) {
		char *mid = a + (n / 2) * size, *hi = a + (n - 1) * size;
		if (cmp(mid, a) < 0) swap(mid, a, size);
		if (cmp(hi, mid) < 0) {
			swap(hi, mid, size);
			if (cmp(mid, a) < 0) swap(mid, a, size);
		}
		swap(mid, a, size);
		size_t i = 1, j = n - 1;
		for (;;) {
			while (i <= j && cmp(a + i * size, a) < 0) i++;
			while (j >= i && cmp(a + j * size, a) > 0) j--;
			if (i >= j) break;
			swap(a + i * size, a + j * size, size);
			i++;
			j--;
		}
		swap(a, a + j * size, size);
		if (j < n - j - 1) {
			sort(a, j, size, cmp);
			a += (j + 1) * size;
			n -= j + 1;
		} else {
			sort(a + (j + 1) * size, n - j - 1, size, cmp);
			n = j;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && cmp(a + (k - 1) * size, a + k * size) > 0; k--)
			swap(a + (k - 1) * size, a + k * size, size);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return a < b ? -1 : a > b;
}

static int cmp_str(const void *x, const void *y)
{
	const unsigned char *a = *(const unsigned char *const *)x, *b = *(const unsigned char *const *)y;
	while (*a && *a == *b) { a++; b++; }
	return *a - *b;
}

#define N 5000
static int v[N];

int main(void)
{
	static const char *words[] = { "partition", "cell", "root", "hypervisor", "park", "suspend",
		"inmate", "gic", "sgi", "stage2", "vmexit", "comm", "ivshmem", "psci", "jailhouse", "arm64" };
	unsigned long long x = 88172645463325252ull, sum = 0;
	int sorted = 1;

	for (int i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		v[i] = (int)(x % 2000001) - 1000000;
	}
	sort(v, N, sizeof(v[0]), cmp_int);
	for (int i = 0; i < N; i++) {
		sum = sum * 31 + (unsigned int)v[i];
		if (i && v[i - 1] > v[i]) sorted = 0;
	}
	printf("sorted %d ints: %s, min %d, median %d, max %d, hash %016llx\n", N, sorted ? "ok" : "WRONG",
	       v[0], v[N / 2], v[N - 1], sum);
	sort(words, sizeof(words) / sizeof(words[0]), sizeof(words[0]), cmp_str);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		printf("%s%s", i ? " " : "", words[i]);
	printf("\n");
	return 0;
}
