#!/bin/sh
# Rebuilds the guest test programs with a cross toolchain (gcc-aarch64-linux-gnu) and the
# expected output with the host compiler. The built files are committed, so the tests need
# neither; run this after changing a source:   test/guest-programs/build.sh
#   <name>.elf        freestanding image for `jhsim guest run` (-O2, general registers only)
#   <name>.linux.elf  the same program as a static Linux process, for qemu-aarch64
#   <name>.expected   the output of the same logic built natively for the host
set -eu
cd "$(dirname "$0")"
CROSS=${CROSS:-aarch64-linux-gnu-}
HOSTCC=${HOSTCC:-cc}
CFLAGS="-O2 -mgeneral-regs-only -ffreestanding -fno-builtin -nostdlib -fno-pic -no-pie -fno-stack-protector -fno-asynchronous-unwind-tables -Ilib -Wall -Wextra -Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
LIBS="lib/printf.c lib/string.c"
for prog in crc32 sieve qsort format smp smp-lse; do
  src=$prog.c
  arch=-march=armv8-a
  case $prog in
    smp) arch="-march=armv8-a -mno-outline-atomics" ;;
    smp-lse) src=smp.c; arch=-march=armv8.1-a ;;
  esac
  ${CROSS}gcc $CFLAGS $arch -T lib/guest.ld -o $prog.elf lib/crt0-jhsim.S $src lib/io-jhsim.c $LIBS
  ${CROSS}strip --strip-debug $prog.elf
  ${CROSS}gcc $CFLAGS $arch -static -T lib/linux.ld -o $prog.linux.elf lib/crt0-linux.S $src lib/io-linux.c $LIBS
  ${CROSS}strip --strip-debug $prog.linux.elf
  if [ "$prog" != smp ] && [ "$prog" != smp-lse ]; then
    $HOSTCC -O2 -DHOST_BUILD -Ilib -o /tmp/jhsim-$prog.host $src lib/io-host.c $LIBS
    /tmp/jhsim-$prog.host > $prog.expected
    rm -f /tmp/jhsim-$prog.host
  fi
done
printf 'locked counter 1000000, atomic counter 1000000 (expected 1000000 each)\n' > smp.expected

# C programs on jhsim's C inmate runtime, built with standard flags (no -mgeneral-regs-only: the
# compiler uses the V registers for floating point, copies, varargs and vectorised loops):
#   <name>-<opt>.elf          for `jhsim guest run` (linked at QEMU virt's 0x40080000)
#   <name>-<opt>.cell.bin     raw image for configs/cells/c-inmate.json (linked at 0x70000000,
#                             printing through the PL011 the cell shares with root)
#   <name>-<opt>.linux.elf    the same source as a static Linux process for qemu-aarch64
#   <name>-<opt>.expected     what qemu-aarch64 prints for it (the oracle's output, committed)
RT=../../src/actors/cpu/inmates/c
RTFLAGS="-ffreestanding -nostdlib -fno-pic -no-pie -fno-stack-protector -fno-asynchronous-unwind-tables -I$RT -Wall -Wextra -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
RTSRC="$RT/header.S $RT/console.c $RT/format.c $RT/string.c $RT/psci.c $RT/timer.c $RT/gic.c $RT/mmu.c"
for prog in fpmath vector; do
  for opt in O0 O2 O3; do
    out=$prog-$opt
    ${CROSS}gcc -$opt $RTFLAGS -T $RT/inmate.ld -Wl,--defsym=INMATE_BASE=0x40080000 -o $out.elf $RTSRC $prog.c -lgcc
    ${CROSS}strip --strip-debug $out.elf
    ${CROSS}gcc -$opt $RTFLAGS -DCONSOLE_PL011_BASE=0x09000000 -T $RT/inmate.ld -Wl,--defsym=INMATE_BASE=0x70000000 -o /tmp/jhsim-$out.cell.elf $RTSRC $prog.c -lgcc
    ${CROSS}objcopy -O binary /tmp/jhsim-$out.cell.elf $out.cell.bin
    rm -f /tmp/jhsim-$out.cell.elf
    ${CROSS}gcc -$opt $RTFLAGS -static -o $out.linux.elf lib/linux-start.S lib/linux-console.c $RT/format.c $RT/string.c $prog.c -lgcc
    ${CROSS}strip --strip-debug $out.linux.elf
    qemu-aarch64 ./$out.linux.elf > $out.expected
  done
done
cp smp.expected smp-lse.expected

# realbench (the bench's real-code workload, see realbench.c): realbench.elf runs 200 iterations
# under `jhsim guest run`; realbench.expected is qemu-aarch64's output for the same 200 iterations
# (its first line must match jhsim's); realbench.linux.elf runs 4000 iterations under
# qemu-aarch64 for the timing (about 1 s on a 2-core VM).
${CROSS}gcc -O2 $RTFLAGS -DITERATIONS=200 -T $RT/inmate.ld -Wl,--defsym=INMATE_BASE=0x40080000 -o realbench.elf $RTSRC realbench.c -lgcc
${CROSS}strip --strip-debug realbench.elf
${CROSS}gcc -O2 $RTFLAGS -DITERATIONS=200 -static -o /tmp/jhsim-realbench-200.linux.elf lib/linux-start.S lib/linux-console.c $RT/format.c $RT/string.c $RT/timer.c realbench.c -lgcc
qemu-aarch64 /tmp/jhsim-realbench-200.linux.elf | head -1 > realbench.expected
rm -f /tmp/jhsim-realbench-200.linux.elf
${CROSS}gcc -O2 $RTFLAGS -DITERATIONS=4000 -static -o realbench.linux.elf lib/linux-start.S lib/linux-console.c $RT/format.c $RT/string.c $RT/timer.c realbench.c -lgcc
${CROSS}strip --strip-debug realbench.linux.elf
ls -l *.elf *.expected
