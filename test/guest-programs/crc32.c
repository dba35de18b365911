/* CRC-32 (IEEE 802.3, reflected, table driven) over generated buffers. */
#include "io.h"

static unsigned int table[256];
static unsigned char buf[65536];

static void make_table(void)
{
	for (unsigned int n = 0; n < 256; n++) {
		unsigned int c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

static unsigned int crc32(const unsigned char *p, size_t len)
{
	unsigned int c = 0xffffffffu;
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

int main(void)
{
	static const char check[] = "123456789";
	unsigned int seed = 12345;

	make_table();
	printf("crc32(\"%s\") = %08x\n", check, crc32((const unsigned char *)check, 9));
	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
	for (size_t len = 1; len <= sizeof(buf); len *= 4)
		printf("crc32(buf[0..%6zu]) = 0x%08x\n", len, crc32(buf, len));
	printf("crc32(buf) = 0x%08X\n", crc32(buf, sizeof(buf)));
	return 0;
}
