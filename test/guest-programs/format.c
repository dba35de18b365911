/* Formatted printing: widths, flags, precision, signed/unsigned, 64-bit, hex and octal. */
#include "io.h"

static int snprint(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int main(void)
{
	char buf[64];
	long long big = -9223372036854775807LL - 1;
	unsigned long long ubig = 18446744073709551615ull;

	printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, -42, 42, 42);
	printf("[%u] [%x] [%X] [%#x] [%o] [%#o]\n", 3000000000u, 0xbeefu, 0xbeefu, 255u, 8u, 8u);
	printf("[%lld] [%llu] [%llx]\n", big, ubig, ubig);
	printf("[%s] [%10s] [%-10s] [%.3s] [%c%c]\n", "jh", "right", "left", "truncate", 'o', 'k');
	printf("[%.5d] [%8.3d] [%-8.3d|] [%%] [%zu]\n", 42, 7, 7, sizeof(long));
	for (int i = -3; i <= 3; i++)
		printf("%3d^3 = %-6d%s", i, i * i * i, i == 3 ? "\n" : "| ");
	printf("snprintf wrote %d: ", snprint(buf, sizeof(buf), "<%s-%04d>", "cell", 7));
	printf("%s\n", buf);
	unsigned int x = 1;
	for (int i = 0; i < 10; i++) {
		x = x * 2654435761u;
		printf("%08x%c", x, i == 9 ? '\n' : ' ');
	}
	long div[] = { 1000, -7, 3, 0x7fffffffffffffffL };
	for (int i = 0; i < 4; i++)
		printf("%ld/%d = %ld rem %ld\n", div[i], 7, div[i] / 7, div[i] % 7);
	return 0;
}
