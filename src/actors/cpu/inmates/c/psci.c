/* PSCI through SMC (Jailhouse traps it): CPU_ON, CPU_OFF. */
#include "inmate.h"

#define PSCI_CPU_OFF 0x84000002ul
#define PSCI_CPU_ON_64 0xc4000003ul

extern char _start[];

/* Read by header.S on the new CPU: ldp x2, x0, [context]. */
struct secondary_start {
	void (*entry)(unsigned long);
	unsigned long arg;
};

static struct secondary_start starts[4];

static unsigned long smc(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long x0 __asm__("x0") = fn;
	register unsigned long x1 __asm__("x1") = a1;
	register unsigned long x2 __asm__("x2") = a2;
	register unsigned long x3 __asm__("x3") = a3;
	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

unsigned int cpu_id(void)
{
	unsigned long mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return mpidr & 0xff;
}

long cpu_on(unsigned long mpidr, void (*entry)(unsigned long), unsigned long arg)
{
	struct secondary_start *s = &starts[mpidr & 3];
	s->entry = entry;
	s->arg = arg;
	__asm__ volatile("dmb ish" : : : "memory");
	return (long)smc(PSCI_CPU_ON_64, mpidr, (unsigned long)_start, (unsigned long)s);
}

void cpu_off(void)
{
	for (;;)
		smc(PSCI_CPU_OFF, 0, 0, 0);
}

void halt(void)
{
	__asm__ volatile("msr daifset, #2");
	for (;;)
		__asm__ volatile("wfi");
}
