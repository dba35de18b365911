/* Sieve of Eratosthenes up to 200000: counts, sums and the largest primes. */
#include "io.h"

#define LIMIT 200000
static unsigned char composite[LIMIT + 1];

int main(void)
{
	unsigned long sum = 0;
	unsigned int count = 0, last[5] = { 0 };

	for (unsigned int i = 2; (unsigned long)i * i <= LIMIT; i++)
		if (!composite[i])
			for (unsigned int j = i * i; j <= LIMIT; j += i)
				composite[j] = 1;
	for (unsigned int i = 2; i <= LIMIT; i++) {
		if (composite[i])
			continue;
		count++;
		sum += i;
		for (int k = 0; k < 4; k++)
			last[k] = last[k + 1];
		last[4] = i;
		if (i == 10 || i == 100 || i == 1000 || i == 10000 || i == 100000)
			printf("pi(%u) = %u\n", i, count);
	}
	for (unsigned int i = 2; i <= LIMIT; i++)
		if (!composite[i] && (i == 10007 || i == 199999))
			printf("%u is prime\n", i);
	printf("primes <= %d: %u, sum %lu, largest %u %u %u %u %u\n", LIMIT, count, sum,
	       last[0], last[1], last[2], last[3], last[4]);
	return 0;
}
