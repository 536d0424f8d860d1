#!/usr/bin/env bash
# Cross-build csplab for aarch64 and run the coro self-test (tests/programs/coro_selftest.c) under
# qemu-user, to check the aarch64 context switch (impls/coro/ctx_aarch64.S) on an x86 machine;
# then the same self-test natively on the portable ucontext fallback.
# Needs Debian's gcc-aarch64-linux-gnu and qemu-user (installed if missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [[ ${#need[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test-aarch64: missing ${need[*]}; install with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
out=build/aarch64
mkdir -p "$out"
aarch64-linux-gnu-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Iinclude -o "$out/coro-selftest" \
  tests/programs/coro_selftest.c src/*.c impls/*/*.S \
  $(ls impls/*/*.c | grep -v '^impls/ck/') -pthread -ldl -static
file "$out/coro-selftest" | grep -q aarch64
for workers in 1 2 4; do
  echo "== aarch64 under qemu, CSPLAB_CORO_WORKERS=$workers"
  CSPLAB_CORO_WORKERS=$workers qemu-aarch64 "$out/coro-selftest"
done
# The portable (ucontext) fallback, natively: the path other targets take.
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -DCSPLAB_CORO_PORTABLE -Iinclude -o "$out/coro-selftest-portable" \
  tests/programs/coro_selftest.c src/*.c impls/*/*.S $(ls impls/*/*.c | grep -v '^impls/ck/') \
  -pthread -ldl
echo "== portable ucontext fallback, native"
"$out/coro-selftest-portable"
