/** The `jhsim fuzz --help` text: its own module, so `jhsim --help` does not load fast-check. */
export const FUZZ_HELP = `
Targets:
  cell-config    mutated binary .cell images of configs/cells/*.json -> jailhouse cell create, then destroy
  system-config  mutated binary root configs -> jailhouse enable on a disabled machine, then disable
  image          jailhouse cell load images (sizes, addresses, several at once, -s) on a created cell,
                 and mutated ELF headers / raw blobs through guest run's parse-and-fit checks
  guest-code     random instruction words (uniform and biased to load/store, system registers,
                 SIMD&FP, exception generation) under guest run on 2 CPUs with a small budget
  shell          random root-shell lines from the shell's grammar (jailhouse, cat, echo, cpus, ...)
  tlp            random hex and KEY=VALUE fields into jhsim tlp decode|encode

Invariants: a refused operation names its errno and leaves the machine as it was (cells, online
CPUs, mem_pool_used, remap_pool_used, enabled); no JavaScript exception text anywhere (console
included); no hang (per-case timeout and the machine watchdog); no internal simulator fault.
The seed and the exact re-run command are printed first; each failure comes with its shrunk
case, a reproducer and a replay command (--seed S --target T --path P). Exit status 1 on any
failure. A long campaign: jhsim fuzz --runs 10000
`;
