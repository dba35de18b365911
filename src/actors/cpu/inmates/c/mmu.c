/*
 * Stage 1 on, as Jailhouse's inmate library does (arch_mmu_enable): with the MMU off every
 * access is Device memory, where an unaligned access takes an alignment fault, and compiled C
 * makes unaligned accesses (-O3 copies strings and structs with them). An identity map of the
 * low 512 GiB in 1 GiB blocks: RAM (1-2 GiB, QEMU virt's) Normal write-back, everything else
 * Device-nGnRnE.
 */
#include "inmate.h"

#define BLOCK_1G (1ul << 30)
#define DESC_BLOCK 0x1ul
#define ATTR_INDX(n) ((unsigned long)(n) << 2)
#define SH_INNER (3ul << 8)
#define AF (1ul << 10)
#define MAIR_NORMAL_WB 0xfful /* attr 0 */
#define MAIR_DEVICE 0x00ul    /* attr 1: Device-nGnRnE */
/* T0SZ 25 (39-bit VA, walks start at level 1), inner/outer WBWA, inner shareable, 4 KiB
 * granule, EPD1 (no TTBR1 walks), IPS 40 bits. */
#define TCR_VALUE (25ul | (1ul << 8) | (1ul << 10) | (3ul << 12) | (1ul << 23) | (2ul << 32))
#define SCTLR_M (1ul << 0)
#define SCTLR_C (1ul << 2)
#define SCTLR_I (1ul << 12)

static unsigned long level1[512] __attribute__((aligned(4096)));

/* Turns stage 1 on for this CPU (the table is built once, by the boot CPU). */
void mmu_enable(void)
{
	unsigned long sctlr;
	__asm__ volatile("msr mair_el1, %0" : : "r"(MAIR_NORMAL_WB | (MAIR_DEVICE << 8)));
	__asm__ volatile("msr tcr_el1, %0" : : "r"(TCR_VALUE));
	__asm__ volatile("msr ttbr0_el1, %0; isb" : : "r"(level1));
	__asm__ volatile("tlbi vmalle1; dsb nsh; isb" : : : "memory");
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr) : "memory");
}

void mmu_init(void)
{
	for (unsigned long i = 0; i < 512; i++) {
		int ram = i == 1; /* 0x40000000..0x7fffffff */
		level1[i] = (i * BLOCK_1G) | DESC_BLOCK | AF | (ram ? ATTR_INDX(0) | SH_INNER : ATTR_INDX(1));
	}
	__asm__ volatile("dsb ish" : : : "memory");
	mmu_enable();
}
