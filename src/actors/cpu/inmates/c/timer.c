/* The EL1 virtual timer (CNTV_*), which Jailhouse leaves to the cell. */
#include "inmate.h"

uint64_t timer_freq(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

uint64_t timer_ticks(void)
{
	uint64_t t;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

void timer_start(uint64_t ticks)
{
	if (!ticks) {
		timer_stop();
		return;
	}
	__asm__ volatile("msr cntv_cval_el0, %0" : : "r"(timer_ticks() + ticks));
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(1ul));
}

void timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0ul));
}

void delay_us(uint64_t us)
{
	uint64_t end = timer_ticks() + us * timer_freq() / 1000000;
	while (timer_ticks() < end)
		;
}
