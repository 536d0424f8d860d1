#!/usr/bin/env bash
# csplab dependency installer for Debian 12.
#
# Idempotent: checks every package csplab needs with dpkg-query and does nothing when all
# are present. When some are missing it installs them if run as root (or via sudo when it
# is available without a password), and otherwise prints the exact apt-get line and exits 1.
#
#   scripts/deps.sh            check, install what is missing
#   scripts/deps.sh --check    check only; exit 1 and print the apt-get line if anything is missing
set -euo pipefail

# Build: compilers, CMake, the test and benchmark libraries.
# Reports: gnuplot; their statistics python3-scipy (Mann-Whitney U), run-to-run comparison
# checked against Google Benchmark's compare.py (libbenchmark-tools).
# Reference numbers: Go. Peer implementations: Concurrency Kit.
PACKAGES=(
  build-essential cmake pkg-config clang g++
  libcmocka-dev libbenchmark-dev
  gnuplot-nox golang-go libck-dev
  python3 python3-scipy libbenchmark-tools util-linux
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ "${1:-}" == "--check" ]]; then
  echo "csplab: missing Debian packages: ${missing[*]}" >&2
  echo "csplab: install them with: sudo $line" >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "csplab: missing Debian packages: ${missing[*]}" >&2
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
