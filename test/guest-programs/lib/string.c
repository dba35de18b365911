/* memset/memcpy: the compiler may emit calls to these even in freestanding code. */
#include "io.h"

void *tp_memset(void *s, int c, size_t n)
{
	volatile unsigned char *p = s;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *tp_memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

#ifndef HOST_BUILD
void *memset(void *s, int c, size_t n) { return tp_memset(s, c, n); }
void *memcpy(void *d, const void *s, size_t n) { return tp_memcpy(d, s, n); }
#endif
