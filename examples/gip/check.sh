#!/bin/sh
# check.sh PROGRAM IMPL: run one Go in Practice program (examples/gip) on one implementation or
# family and check its output, independently of the program where that is possible: the .gz
# files decompress to the inputs (gunzip), the word counts equal a count made by tr/sort/uniq,
# the primes are factor(1)'s, the timeout fired, no cache read was torn, no update was lost.
# Environment (set by the ctest entries, examples/gip/gip_tests.cmake.in):
#   GIP_BIN       the directory of the programs (<build>/examples)
#   GIP_WORK      a scratch directory of this test's own (emptied first)
#   GIP_LAUNCHER  optional: the sanitizer launcher to run the programs with
# Prints what it checked; exits 0 if it all held, 1 with the reason otherwise.
set -eu
prog=$1
impl=$2
: "${GIP_BIN:?}" "${GIP_WORK:?}"
launcher=${GIP_LAUNCHER:-}
export LC_ALL=C

fail() {
	echo "FAIL: $prog on $impl: $*" >&2
	exit 1
}
# run NAME ARGS...: the program, its output in $GIP_WORK/out (also shown)
run() {
	name=$1
	shift
	# shellcheck disable=SC2086 # the launcher is a command word or nothing
	status=0
	$launcher "$GIP_BIN/$name" --impl "$impl" "$@" >"$GIP_WORK/out" || status=$?
	if [ "$status" -ne 0 ]; then
		cat "$GIP_WORK/out"
		fail "$name exited with status $status"
	fi
	cat "$GIP_WORK/out"
}
expect() { # expect ERE: the output must match it
	grep -Eq "$1" "$GIP_WORK/out" || fail "output does not match /$1/"
}
inputs() { # inputs N BYTES: N generated text files in $GIP_WORK, named in $files
	files=
	i=1
	while [ "$i" -le "$1" ]; do
		"$GIP_BIN/gentext" "$GIP_WORK/in$i.txt" "$2" "$i" || fail "gentext failed"
		files="$files $GIP_WORK/in$i.txt"
		i=$((i + 1))
	done
}

rm -rf "$GIP_WORK"
mkdir -p "$GIP_WORK"
case $prog in
closures) # waiting on a WaitGroup: the task always runs
	run closures --wait
	expect '^task: hello'
	expect '^mode=wait ran=yes '
	;;
closures-nothing) # one coro worker, main neither yields nor waits: the task never runs
	run closures
	expect '^mode=nothing ran=no '
	if grep -q '^task:' "$GIP_WORK/out"; then fail "the task printed"; fi
	;;
closures-yield) # one coro worker, main yields once: the task runs first
	run closures --yield
	expect '^task: hello'
	expect '^mode=yield ran=yes '
	;;
compress)
	inputs 6 65536
	# shellcheck disable=SC2086 # $files is a list of paths without spaces
	run compress $files
	expect '^files=6 failed=0 bytes_in=393216 '
	for f in $files; do
		gunzip -t "$f.gz" || fail "gunzip -t rejects $f.gz"
		gunzip -c "$f.gz" | cmp -s - "$f" || fail "$f.gz does not decompress to $f"
	done
	echo "checked: every .gz passes gunzip -t and decompresses to its input"
	;;
wordcount)
	inputs 4 65536
	# shellcheck disable=SC2086
	run wordcount --verify --top 8 $files
	expect 'verify=ok'
	# the same count by tr/sort/uniq: words are runs of ASCII letters, lower-cased, and
	# never run on from one file into the next
	for f in $files; do tr -cs 'A-Za-z' '\n' <"$f" && echo; done >"$GIP_WORK/words"
	tr 'A-Z' 'a-z' <"$GIP_WORK/words" | grep . | sort | uniq -c |
		sort -k1,1nr -k2,2 | head -n 8 | awk '{printf "%8d %s\n", $1, $2}' >"$GIP_WORK/want"
	head -n 8 "$GIP_WORK/out" | diff "$GIP_WORK/want" - || fail "the top 8 differ from uniq -c's"
	total=$(grep -c . "$GIP_WORK/words")
	expect "words=$total "
	echo "checked: the top 8 and the total ($total words) equal tr/sort/uniq's"
	;;
cache)
	run cache --reads 4000 --write-every 20
	expect ' torn=0 '
	;;
pipeline)
	run pipeline --items 3000
	expect '^items=3000 .* squares=ok stopped=yes '
	run pipeline --items 3000 --cap 8
	expect '^items=3000 .* squares=ok stopped=yes '
	;;
timeout)
	run timeout --timeout-ms 30
	expect '^fast=replied slow=timed-out .* stopped=yes '
	;;
chanlock)
	run chanlock --iters 1000
	expect ' counter=([0-9]+) expect=\1 '
	;;
sieve)
	run sieve --n 100
	seq 2 541 | factor | awk 'NF == 2 { print $2 }' >"$GIP_WORK/want" # the first 100 primes
	grep -E '^[0-9]+$' "$GIP_WORK/out" | diff "$GIP_WORK/want" - || fail "the primes differ from factor's"
	expect '^primes=100 last=541 '
	echo "checked: the 100 primes equal factor(1)'s"
	;;
*)
	fail "no such check"
	;;
esac
echo "ok: $prog on $impl"
