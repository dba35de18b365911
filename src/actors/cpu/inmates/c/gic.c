/* GICv3: the CPU interface through ICC_* system registers, SGIs/PPIs in this CPU's
 * redistributor, SPIs in the distributor (Jailhouse filters both for the cell). */
#include "inmate.h"

#define GICD_ISENABLER 0x0100
#define GICD_IROUTER 0x6000
#define GICR_TYPER 0x0008
#define GICR_SGI_BASE 0x10000
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_STRIDE 0x20000
#define GICR_TYPER_LAST (1ul << 4)

static uintptr_t gicd = 0x08000000, gicr = 0x080a0000;
static irq_handler_t irq_handler;

void gic_set_bases(uintptr_t d, uintptr_t r)
{
	gicd = d;
	gicr = r;
}

static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint64_t mmio_read64(uintptr_t a)
{
	return *(volatile uint64_t *)a;
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is our MPIDR's. */
static uintptr_t my_redist(void)
{
	unsigned long mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));
	for (uintptr_t r = gicr;; r += GICR_STRIDE) {
		uint64_t typer = mmio_read64(r + GICR_TYPER);
		if ((uint32_t)(typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			return 0;
	}
}

void gic_setup(irq_handler_t handler)
{
	irq_handler = handler;
	__asm__ volatile("msr icc_pmr_el1, %0" : : "r"(0xf0ul));
	__asm__ volatile("msr icc_igrpen1_el1, %0; isb" : : "r"(1ul));
	__asm__ volatile("msr daifclr, #2");
}

void gic_enable_irq(unsigned int irq)
{
	if (irq < 32) {
		uintptr_t r = my_redist();
		if (r)
			mmio_write32(r + GICR_ISENABLER0, 1u << irq);
		return;
	}
	unsigned long mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	*(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * irq) = mpidr & 0xff00ffffff;
	mmio_write32(gicd + GICD_ISENABLER + 4 * (irq / 32), 1u << (irq % 32));
}

void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	unsigned long v = ((unsigned long)(sgi & 15) << 24) | (1ul << (cpu & 15));
	__asm__ volatile("msr icc_sgi1r_el1, %0; isb" : : "r"(v));
}

/* Called by header.S's irq_entry: acknowledge, handle, end of interrupt. */
void gic_dispatch(void)
{
	unsigned long irq;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(irq));
	if (irq >= 1020)
		return; /* spurious */
	if (irq_handler)
		irq_handler((unsigned int)irq);
	__asm__ volatile("msr icc_eoir1_el1, %0" : : "r"(irq));
}
