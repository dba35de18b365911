/*
 * Console output: Jailhouse's debug console hypercall by default, or a polled PL011 (chosen at
 * run time with console_use_pl011, or at build time with -DCONSOLE_PL011_BASE=0x09000000).
 */
#include "inmate.h"

#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC 8
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

#ifdef CONSOLE_PL011_BASE
static volatile uint32_t *pl011 = (volatile uint32_t *)CONSOLE_PL011_BASE;
#else
static volatile uint32_t *pl011;
#endif

void console_use_pl011(uintptr_t base)
{
	pl011 = (volatile uint32_t *)base;
}

void console_putc(int c)
{
	if (pl011) {
		while (pl011[UART_FR / 4] & UART_FR_TXFF)
			;
		pl011[UART_DR / 4] = (unsigned char)c;
		return;
	}
	register unsigned long x0 __asm__("x0") = JAILHOUSE_HC_DEBUG_CONSOLE_PUTC;
	register unsigned long x1 __asm__("x1") = (unsigned char)c;
	__asm__ volatile("hvc #0x4a48" : "+r"(x0) : "r"(x1) : "memory");
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

void report_exception(unsigned long esr, unsigned long elr, unsigned long far)
{
	printk("inmate: unexpected exception ESR %lx at %lx (FAR %lx), halting\n", esr, elr, far);
}
