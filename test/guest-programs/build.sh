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
cp smp.expected smp-lse.expected
ls -l *.elf *.expected
