#!/usr/bin/env bash
# The outside-program test (.ci/run): csplab as a user gets it. Installs into a temporary prefix
# with `make install PREFIX=...`, then builds two programs against the installed files only:
#   - the README's example (cut out of README.md, "## Using it", so the two cannot drift),
#   - examples/install/coro.c (1000 coroutines under a mutex),
# with pkg-config and with a small CMake project's find_package(csplab), each linked dynamically
# and statically (-static: the registry must survive a static link), warnings as errors; and runs
# each build on every family: the README example with the channel families, coro.c with the
# coro mutex and, when the ck family is built in, a Concurrency Kit lock.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}

make install PREFIX="$tmp/p" JOBS="${JOBS:-2}"
prefix="$tmp/p"
awk '/^## Using it/ {f = 1} f && /^```c$/ {c = 1; next} c && /^```$/ {exit} c' README.md >"$tmp/demo.c"
grep -q 'int main' "$tmp/demo.c" || { echo "test-install: no C example under '## Using it' in README.md" >&2; exit 1; }
cp examples/install/coro.c "$tmp/coro.c"

# The implementations the installed library registers (its csplab-list).
"$prefix/bin/csplab-list" >"$tmp/registry"
chans=$(awk '$1 == "chan" {print $2}' "$tmp/registry")
mutexes="coro $(awk '$1 == "mutex" && $3 == "ck" {print $2; exit}' "$tmp/registry")"

run_all() { # run_all <label> <demo binary> <coro binary>
  local label=$1 demo=$2 coro=$3 out
  for impl in $chans; do
    out=$("$demo" "$impl")
    [[ $(grep -c '^job ' <<<"$out") -eq 100 ]] || { echo "test-install: $label: README example on $impl: wrong output" >&2; exit 1; }
  done
  for m in $mutexes; do
    "$coro" "$m" >/dev/null || { echo "test-install: $label: coro example with mutex $m failed" >&2; exit 1; }
  done
  echo "test-install: $label: README example on $(echo $chans), coro example with $(echo $mutexes): ok"
}

# pkg-config.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
for p in demo coro; do
  # shellcheck disable=SC2046
  $cc -Wall -Werror -o "$tmp/$p-pc" "$tmp/$p.c" $(pkg-config --cflags --libs csplab)
  # shellcheck disable=SC2046
  $cc -Wall -Werror -static -o "$tmp/$p-pc-static" "$tmp/$p.c" $(pkg-config --static --cflags --libs csplab)
done
ldd "$tmp/demo-pc" | grep -q "libcsplab.so.0 => $prefix/" || { echo "test-install: demo-pc does not use the installed libcsplab.so" >&2; exit 1; }
! ldd "$tmp/demo-pc-static" >/dev/null 2>&1 || { echo "test-install: demo-pc-static is not static" >&2; exit 1; }
run_all "pkg-config, shared" "$tmp/demo-pc" "$tmp/coro-pc"
run_all "pkg-config, -static" "$tmp/demo-pc-static" "$tmp/coro-pc-static"

# find_package(csplab): a 10-line CMake project.
mkdir -p "$tmp/cm"
cp "$tmp/demo.c" "$tmp/coro.c" "$tmp/cm/"
cat >"$tmp/cm/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(csplab_user C)
option(STATIC "link libcsplab.a into static executables" OFF)
set(CSPLAB_STATIC ${STATIC}) # csplab::csplab is then csplab::static
find_package(csplab 0.1 REQUIRED)
add_compile_options(-Wall -Werror)
add_link_options($<$<BOOL:${STATIC}>:-static>)
add_executable(demo demo.c)
add_executable(coro coro.c)
target_link_libraries(demo PRIVATE csplab::csplab)
target_link_libraries(coro PRIVATE csplab::csplab)
CMAKE
for kind in shared static; do
  static=OFF
  [[ $kind == static ]] && static=ON
  cmake -S "$tmp/cm" -B "$tmp/cm/build-$kind" -DCMAKE_PREFIX_PATH="$prefix" -DSTATIC=$static >/dev/null
  cmake --build "$tmp/cm/build-$kind" >/dev/null
  run_all "find_package, $kind" "$tmp/cm/build-$kind/demo" "$tmp/cm/build-$kind/coro"
done
