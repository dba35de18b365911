/* Console output through Jailhouse's DEBUG_CONSOLE_PUTC hypercall (hvc #0x4a48, x0 = 8). */
#include "io.h"

void put_char(int c)
{
	register unsigned long x0 __asm__("x0") = 8;
	register unsigned long x1 __asm__("x1") = (unsigned char)c;
	__asm__ volatile("hvc #0x4a48" : "+r"(x0) : "r"(x1) : "memory");
}
