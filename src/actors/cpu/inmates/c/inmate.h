/*
 * jhsim's C inmate runtime: what a bare-metal AArch64 program needs to run in a jhsim cell (or
 * under `jhsim guest run`, or on QEMU virt): start-up with FP/SIMD enabled, a stack per CPU,
 * an EL1 vector table with an IRQ dispatcher, console output, printf-style formatting with
 * floating point, the generic timer, GICv3 helpers and PSCI. See README.md ("C inmates").
 *
 * The program defines   void inmate_main(void);   run by the CPU that enters the image first
 * (with x0 = 0: the cell's first CPU, QEMU's boot CPU). Returning turns the CPU off. Up to four
 * CPUs (16 KiB of stack each, by MPIDR Aff0 mod 4).
 */
#ifndef JHSIM_INMATE_H
#define JHSIM_INMATE_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- console (console.c): the hypervisor's debug console, or a PL011 (console_use_pl011). */
void console_putc(int c);
void console_puts(const char *s);
/* Write through the PL011 at `base` (e.g. 0x09000000) instead of the debug console hypercall. */
void console_use_pl011(uintptr_t base);

/* ---- formatting (format.c): %d %i %u %x %X %o %c %s %p %f %F %e %E %g %G %%, flags -+ 0#,
 * width, precision, length modifiers hh h l ll z j t. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- memory and strings (string.c) */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- CPUs (psci.c) */
/* This CPU's number: MPIDR_EL1.Aff0 (jhsim and QEMU virt number CPUs by Aff0). */
unsigned int cpu_id(void);
/* PSCI CPU_ON: start CPU `mpidr` at entry(arg) on its own stack; 0 or a PSCI error. */
long cpu_on(unsigned long mpidr, void (*entry)(unsigned long), unsigned long arg);
/* PSCI CPU_OFF: does not return. */
void cpu_off(void) __attribute__((noreturn));
/* Interrupts masked, WFI forever. */
void halt(void) __attribute__((noreturn));

/* ---- generic timer (timer.c): the EL1 virtual timer, PPI 27 */
#define TIMER_IRQ 27
uint64_t timer_freq(void);
uint64_t timer_ticks(void);
/* Fires TIMER_IRQ `ticks` from now (0: stop). */
void timer_start(uint64_t ticks);
void timer_stop(void);
void delay_us(uint64_t us);

/* ---- GICv3 (gic.c) */
typedef void (*irq_handler_t)(unsigned int irq);
/* CPU interface on (priority mask, group 1), `handler` for every IRQ, IRQs unmasked. */
void gic_setup(irq_handler_t handler);
/* Enables SGI/PPI `irq` in this CPU's redistributor, or SPI `irq` in the distributor
 * (routed to this CPU). */
void gic_enable_irq(unsigned int irq);
/* Sends SGI `sgi` (0..15) to CPU `cpu` (Aff0) through ICC_SGI1R_EL1. */
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
/* Where the board's GIC is (QEMU virt's addresses by default). */
void gic_set_bases(uintptr_t gicd, uintptr_t gicr);

/* ---- entry points */
void inmate_main(void);
#endif
