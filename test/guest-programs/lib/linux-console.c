/* console_putc as a Linux process: write(1, &c, 1) by raw syscall (no libc). */
#include "inmate.h"

void console_putc(int c)
{
	char ch = (char)c;
	register long x0 __asm__("x0") = 1;
	register long x1 __asm__("x1") = (long)&ch;
	register long x2 __asm__("x2") = 1;
	register long x8 __asm__("x8") = 64;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}
