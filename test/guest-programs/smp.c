/*
 * Two CPUs share a counter: 500000 increments each under a spinlock, and 500000 each with an
 * atomic add. Built for ARMv8.0 the compiler emits LDAXR/STXR loops; built for ARMv8.1 it
 * emits SWPA and LDADDAL. Any lost update shows in the totals. Other CPUs return at once.
 */
#include "io.h"

#define PER_CPU 500000

static volatile unsigned int lock;
static unsigned long locked_counter;
static unsigned long atomic_counter;
static unsigned int done;

static void spin_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock, __ATOMIC_RELAXED))
			;
}

static void spin_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static void work(void)
{
	for (int i = 0; i < PER_CPU; i++) {
		spin_lock();
		locked_counter++;
		spin_unlock();
		__atomic_fetch_add(&atomic_counter, 1, __ATOMIC_ACQ_REL);
	}
}

void secondary_main(unsigned long cpu)
{
	if (cpu != 1)
		return;
	work();
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}

int main(void)
{
	work();
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		;
	printf("locked counter %lu, atomic counter %lu (expected %d each)\n", locked_counter, atomic_counter, 2 * PER_CPU);
	return 0;
}
