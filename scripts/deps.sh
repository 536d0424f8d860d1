#!/usr/bin/env bash
# csplab dependency installer for Debian 12.
#
# Idempotent: checks every package csplab needs with dpkg-query and does nothing when all
# are present. When some are missing it installs them if run as root (or via sudo when it
# is available without a password), and otherwise prints the exact apt-get line and exits 1.
#
#   scripts/deps.sh [GROUP...]          check, install what is missing
#   scripts/deps.sh --check [GROUP...]  check only; exit 1 and print the apt-get line if anything
#                                       is missing
#
# GROUP is what a make target needs; none means all of them:
#   build    make build-*/test-*/stress-*: the library, the suites and the benchmark binary
#   clang    make build-clang
#   bench    make bench: the Go side and the report
#   mutants  make mutants
#   coverage make coverage (gcovr)
# (make list and make install need only cmake and a C compiler: the Makefile checks those.)
set -euo pipefail

# build: compilers, CMake, the test and benchmark libraries; Concurrency Kit (the ck family);
# zlib (examples/gip/compress); Python with scipy and Google Benchmark's compare.py for ctest's
# benchmark-harness entries; util-linux's setarch for the sanitized runs (scripts/sanitized-run).
# bench: the reference numbers (Go), the report's plots (gnuplot) and its browser test
# (chromium, headless: bench/py/tests/browser.py).
declare -A GROUPS_=(
  [build]="build-essential cmake pkg-config g++ libcmocka-dev libbenchmark-dev libck-dev
           python3 python3-scipy libbenchmark-tools util-linux zlib1g-dev"
  [clang]="clang"
  [bench]="gnuplot-nox golang-go python3 python3-scipy chromium"
  [mutants]="python3 patch"
  [coverage]="gcovr"
)

check_only=false
if [[ "${1:-}" == "--check" ]]; then
  check_only=true
  shift
fi
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=(build clang bench mutants coverage)
PACKAGES=()
for g in "${groups[@]}"; do
  if [[ -z "${GROUPS_[$g]+set}" ]]; then
    echo "csplab: scripts/deps.sh: unknown group '$g' (build, clang, bench, mutants, coverage)" >&2
    exit 2
  fi
  for p in ${GROUPS_[$g]}; do
    [[ " ${PACKAGES[*]} " == *" $p "* ]] || PACKAGES+=("$p")
  done
done

# One dpkg-query for all of them; a package it does not know is missing too.
installed=" $({ dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true; } \
  | awk '$2 == "install" && $3 == "ok" && $4 == "installed" {print $1}' | tr '\n' ' ') "
missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if $check_only; then
  echo "csplab: missing Debian packages (${groups[*]}): ${missing[*]}" >&2
  echo "csplab: install them with: sudo $line" >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "csplab: missing Debian packages (${groups[*]}): ${missing[*]}" >&2
  echo "csplab: run this as root, then retry:" >&2
  echo "    sudo apt-get update && sudo $line" >&2
  exit 1
fi

echo "csplab: installing missing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when installing straight from them fails (stale or absent lists).
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "csplab: dependencies installed" >&2
