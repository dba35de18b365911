/**
 * The QEMU side of the differential test: one static Linux program runs a whole batch of cases
 * (process start and translation are paid once per batch and once per case, not per input).
 *
 * Code: the driver (assembled per batch by the project's assembler), then one fixed-size SLOT
 * per case: copies of one template in which only the test words (NOP padded) differ. Every
 * case runs `reps` times, from `reps` input blocks, so jhsim's translator compiles each case
 * once for several inputs too. A slot:
 *
 *   ldr x30, =load_rest; blr x30       scratch, SP, NZCV, FPCR, FPSR, V0-V31 of input block `cur`
 *   mov x30, x0; ldp x0, x1, [x30] ... ldr x30, [x30, #240]           X0-X30 (X30 last)
 *   <test words, NOP padded to MAX_WORDS>
 *   msr tpidr_el0, x30; ldr x30, =vars; ldr x30, [x30, #8]             X30 parked in TPIDR_EL0:
 *   stp x0, x1, [x30] ...; mov x0, x30; ldr x30, =save_rest; blr x30  no register is free
 *
 * save_rest stores the rest, advances `cur` and returns to the slot's start (next input) or to
 * the next slot. After the last slot the driver writes all output blocks to stdout and exits.
 * An input QEMU refuses (SIGILL, or SIGSEGV/SIGBUS/SIGFPE/SIGTRAP) enters the handler on an
 * alternate signal stack (the case may have left SP anywhere): it records the signal and the
 * faulting offset in that output block and resumes as save_rest would, so a refused word costs
 * one run, not the batch.
 */
import { assemble } from '../../src/actors/cpu/a64/asm-text.js';
import { writeElf } from './elf.js';
import { B, BLOCK_SIZE, CODE_VA, DATA_VA, DRIVER_SIZE, SCRATCH_PAGES, SCRATCH_SIZE, SCRATCH_VA, SLOTS_VA, type Snapshot, writeBlock } from './layout.js';

/** Most test words per case. */
export const MAX_WORDS = 32;
export const NOP = 0xd503201f;
const ALTSTACK_SIZE = 0x10000;
/** Signals the handler catches (SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV). */
const SIGNALS = [4, 5, 7, 8, 11];
/** Offset of uc_mcontext.pc in the aarch64 Linux ucontext_t (qemu-user uses the kernel's layout). */
const UC_PC = 440;

/** LDP/STP of Q registers (signed offset), which the integer-only assembler cannot spell. */
function ldpQ(load: boolean, rt: number, rt2: number, rn: number, offset: number): string {
  const w = (2 << 30) | (5 << 27) | (1 << 26) | (2 << 23) | ((load ? 1 : 0) << 22) | (((offset / 16) & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt;
  return `.inst 0x${(w >>> 0).toString(16)}`;
}

function vregs(load: boolean, base: number): string {
  const lines: string[] = [];
  for (let k = 0; k < 32; k += 2) lines.push(ldpQ(load, k, k + 1, base, k * 16));
  return lines.join('\n');
}

function xregs(op: 'ldp' | 'stp'): string {
  const lines: string[] = [];
  for (let k = 0; k < 30; k += 2) lines.push(`${op} x${k}, x${k + 1}, [x30, #${k * 8}]`);
  return lines.join('\n');
}

const TEMPLATE_SRC = `
slot:   ldr x30, lit_load
        blr x30
        mov x30, x0
${xregs('ldp')}
        ldr x30, [x30, #${B.X + 240}]
words:
${'nop\n'.repeat(MAX_WORDS)}
        msr tpidr_el0, x30
        ldr x30, lit_vars
        ldr x30, [x30, #8]
${xregs('stp')}
        mov x0, x30
        ldr x30, lit_save
        blr x30
        .balign 8
lit_load: .quad LOAD_REST
lit_save: .quad SAVE_REST
lit_vars: .quad VARS
`;

/** The slot template (at address 0; it is position independent). */
interface Template { words: Uint32Array; wordsOff: number }

function template(loadRest: number, saveRest: number, vars: number): Template {
  const src = `.equ LOAD_REST, ${loadRest}\n.equ SAVE_REST, ${saveRest}\n.equ VARS, ${vars}\n${TEMPLATE_SRC}`;
  const r = assemble(src, 0);
  const bytes = r.bytes;
  return {
    words: new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
    wordsOff: Number(r.symbols.get('words')!),
  };
}

/** Slot size in bytes (the same for every batch). */
export const SLOT_SIZE = template(0, 0, 0).words.length * 4;
/** Offset of the test words inside a slot. */
export const WORDS_OFF = template(0, 0, 0).wordsOff;
/** The words before the test words, the same in every slot (LDR literal may read them). */
export const SLOT_PREFIX: readonly number[] = Array.from(template(0, 0, 0).words.subarray(0, WORDS_OFF / 4));

/** Where the driver's variables go: after the output blocks (cur: block index; cur_out). */
function layout(n: number, reps: number): { outBase: number; vars: number; altStack: number } {
  const outBase = DATA_VA + n * reps * BLOCK_SIZE;
  const vars = outBase + n * reps * BLOCK_SIZE;
  return { outBase, vars, altStack: vars + 16 };
}

/** Advances `cur` (x10 = new value, x9 = &vars) and puts in x5 where to go: slot x4 again or the next. */
function advance(): string {
  return `
        add x10, x10, #1
        str x10, [x9]
        mov x6, #REPS
        udiv x7, x10, x6
        msub x7, x7, x6, x10
        mov x6, #${SLOT_SIZE}
        madd x5, x4, x6, x1
        cbnz x7, 9f
        add x5, x5, #${SLOT_SIZE}
9:`;
}

function driverSrc(n: number, reps: number, slotsVa: number): string {
  const { outBase, vars, altStack } = layout(n, reps);
  const actions = SIGNALS.map((s) => `
        mov x0, #${s}
        adr x1, sigact
        mov x2, #0
        mov x3, #8
        mov x8, #134          // rt_sigaction
        svc #0
        cbnz x0, fail`).join('');
  return `
        .equ REPS, ${reps}
_start: adr x0, altstack_desc
        mov x1, #0
        mov x8, #132          // sigaltstack
        svc #0
        cbnz x0, fail
${actions}
        ldr x30, lit_slots
        br x30
// x0 = signal, x2 = ucontext: record the signal in the current output block, go on as save_rest
handler:
        ldr x1, lit_slots
        ldr x3, [x2, #${UC_PC}]
        sub x3, x3, x1
        mov x6, #${SLOT_SIZE}
        udiv x4, x3, x6
        mov x7, #${n}
        cmp x4, x7
        b.hs lost
        msub x8, x4, x6, x3
        ldr x9, lit_vars
        ldr x12, [x9, #8]
        str w0, [x12, #${B.SIGNAL}]
        str w8, [x12, #${B.FAULT_OFF}]
        ldr x10, [x9]
${advance()}
        str x5, [x2, #${UC_PC}]
        ret
lost:   add x0, x0, #100      // a signal outside the slots: the harness is broken
        mov x8, #94
        svc #0
restorer:
        mov x8, #139          // rt_sigreturn
        svc #0
// returns x0 = input block number cur (and sets cur_out); the exclusive monitor is cleared
// (an earlier case's LDXR must not reach this one)
load_rest:
        clrex
        ldr x9, lit_vars
        ldr x10, [x9]
        mov x11, #${BLOCK_SIZE}
        ldr x0, lit_in
        madd x0, x10, x11, x0
        ldr x12, lit_out
        madd x12, x10, x11, x12
        str x12, [x9, #8]
        add x1, x0, #${B.SCRATCH}
        ldr x2, lit_scratch
        mov x3, #${SCRATCH_SIZE / 16}
1:      ldp x4, x5, [x1], #16
        stp x4, x5, [x2], #16
        sub x3, x3, #1
        cbnz x3, 1b
        ldr x1, [x0, #${B.SP}]
        mov sp, x1
        ldr x1, [x0, #${B.NZCV}]
        msr nzcv, x1
        ldr x1, [x0, #${B.FPCR}]
        msr fpcr, x1
        ldr x1, [x0, #${B.FPSR}]
        msr fpsr, x1
        add x1, x0, #${B.V}
${vregs(true, 1)}
        ret
// x0 = output block (X0-X29 stored), X30 in TPIDR_EL0, x30 = return address in the slot;
// flags are read before anything sets them
save_rest:
        mrs x1, nzcv
        mrs x2, fpcr
        mrs x3, fpsr
        str x1, [x0, #${B.NZCV}]
        str x2, [x0, #${B.FPCR}]
        str x3, [x0, #${B.FPSR}]
        mrs x1, tpidr_el0
        str x1, [x0, #${B.X + 240}]
        mov x1, sp
        str x1, [x0, #${B.SP}]
        add x1, x0, #${B.V}
${vregs(false, 1)}
        add x1, x0, #${B.SCRATCH}
        ldr x2, lit_scratch
        mov x3, #${SCRATCH_SIZE / 16}
1:      ldp x4, x5, [x2], #16
        stp x4, x5, [x1], #16
        sub x3, x3, #1
        cbnz x3, 1b
        ldr x1, lit_slots
        sub x3, x30, x1
        mov x6, #${SLOT_SIZE}
        udiv x4, x3, x6
        ldr x9, lit_vars
        ldr x10, [x9]
${advance()}
        br x5
done:   ldr x1, lit_out
        ldr x2, lit_total
2:      mov x0, #1
        mov x8, #64           // write(1, ...)
        svc #0
        cmp x0, #0
        b.le fail
        add x1, x1, x0
        sub x2, x2, x0
        cbnz x2, 2b
        mov x0, #0
        mov x8, #94           // exit_group
        svc #0
fail:   mov x0, #99
        mov x8, #94
        svc #0
        .balign 8
lit_slots: .quad ${slotsVa}
lit_in: .quad ${DATA_VA}
lit_out: .quad ${outBase}
lit_total: .quad ${n * reps * BLOCK_SIZE}
lit_scratch: .quad ${SCRATCH_VA}
lit_vars: .quad ${vars}
sigact: .quad handler
        .quad 0x0c000004      // SA_SIGINFO | SA_ONSTACK | SA_RESTORER
        .quad restorer
        .quad 0               // no signals blocked while handling
altstack_desc:
        .quad ${altStack}
        .quad 0
        .quad ${ALTSTACK_SIZE}
`;
}

/** One case as the program runs it: its words from each of its inputs. */
export interface ProgramCase { words: readonly number[]; inputs: readonly Snapshot[] }

/** The program image and, for jhsim, the code bytes as they are at CODE_VA. */
export interface Program {
  elf: Uint8Array;
  code: Uint8Array;
  reps: number;
  firstSlot: number;
  /** VA of case k's first test word. */
  wordsVa(k: number): number;
  /** Bytes of output QEMU writes: case k's output for input r is block k * reps + r. */
  outputSize: number;
}

/**
 * Every case must have `reps` inputs. The cases take consecutive slots from `firstSlot` (a case
 * re-run alone keeps the slot, so the pc, it had in its batch).
 */
export function buildProgram(cases: readonly ProgramCase[], reps: number, firstSlot = 0): Program {
  const n = cases.length;
  const slotsVa = SLOTS_VA + firstSlot * SLOT_SIZE;
  const drv = assemble(driverSrc(n, reps, slotsVa), CODE_VA);
  if (drv.bytes.length > DRIVER_SIZE) throw new Error(`driver is ${drv.bytes.length} bytes, more than ${DRIVER_SIZE}`);
  const sym = (s: string): number => Number(drv.symbols.get(s)!);
  const { vars } = layout(n, reps);
  const t = template(sym('load_rest'), sym('save_rest'), vars);
  const first = DRIVER_SIZE + firstSlot * SLOT_SIZE;
  const codeSize = first + n * SLOT_SIZE + 4;
  const code = new Uint8Array(codeSize);
  code.set(drv.bytes, 0);
  const cw = new Uint32Array(code.buffer, 0, codeSize / 4);
  const input = new Uint8Array(n * reps * BLOCK_SIZE);
  cases.forEach((c, k) => {
    if (c.words.length > MAX_WORDS) throw new Error(`case ${k} has ${c.words.length} words, more than ${MAX_WORDS}`);
    if (c.inputs.length !== reps) throw new Error(`case ${k} has ${c.inputs.length} inputs, not ${reps}`);
    const base = first + k * SLOT_SIZE;
    cw.set(t.words, base / 4);
    c.words.forEach((w, i) => { cw[(base + t.wordsOff) / 4 + i] = w >>> 0; });
    c.inputs.forEach((s, r) => writeBlock(input, (k * reps + r) * BLOCK_SIZE, s));
  });
  // After the last slot: b done.
  const endOff = first + n * SLOT_SIZE;
  cw[endOff / 4] = (0x14000000 | (((sym('done') - (CODE_VA + endOff)) / 4) & 0x3ffffff)) >>> 0;
  const dataMem = layout(n, reps).altStack + ALTSTACK_SIZE - DATA_VA;
  const elf = writeElf(CODE_VA, [
    { vaddr: CODE_VA, data: code, memSize: code.length, flags: { r: true, x: true } },
    { vaddr: SCRATCH_PAGES, data: new Uint8Array(0), memSize: 0x2000, flags: { r: true, w: true } },
    { vaddr: DATA_VA, data: input, memSize: dataMem, flags: { r: true, w: true } },
  ]);
  return {
    elf, code, reps, firstSlot, outputSize: n * reps * BLOCK_SIZE,
    wordsVa: (k) => slotsVa + k * SLOT_SIZE + t.wordsOff,
  };
}
