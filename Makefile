# csplab: the short commands. CMake does the building (CMakeLists.txt); this file only picks the
# build directory and passes the options through.
#
#   make test      release and ThreadSanitizer builds, conformance suite on every implementation
#                  (plus the coro family in its strict ThreadSanitizer build)
#   make bench     benchmarks of every implementation beside glibc and Go, and the report
#   make compare   OLD=<run> NEW=<run>: two benchmark runs compared, row by row
#   make list      the registry: <primitive> <name> <family>
#   make stress    the stress suite in the release, TSan and ASan+UBSan builds, STRESS_SECONDS
#                  (default 1) per scenario and load; make stress-<build> for one build
#   make mutants   every mutant through every check (release + TSan); writes docs/kill-matrix.md
#                  (not yet part of make test: TEST_EXCLUDE= includes the ctest labels
#                  "stress" and "mutants" there)
#
# Options on any of them:
#   IMPL=<name>          only that implementation
#   EXTRA_IMPLS=<dir>    compile <dir>/*.c in as additional implementations
# Also: make test-release | test-tsan | test-tsan-strict | test-asan,
#       make build-<release|tsan|tsan-strict|asan|clang>, make clean.

MAKEFLAGS += --no-print-directory
comma := ,
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
IMPL ?=
EXTRA_IMPLS ?=
CMAKE_FLAGS ?=
CTEST_FLAGS ?=
# Debian's own interpreter: it sees the Debian python3-* packages (scipy) that scripts/deps.sh
# installs; a python3 earlier on PATH (pyenv, a venv) may not.
PYTHON ?= /usr/bin/python3

EXTRA_ABS := $(if $(EXTRA_IMPLS),$(abspath $(EXTRA_IMPLS)))
SAN_release :=
SAN_tsan := thread
SAN_asan := address
SAN_clang :=
CC_clang := clang
# tsan-strict: coroutine switches carry no happens-before (impls/coro/fiber.h); only the coro
# family behaves differently there, so only its tests run in that build.
SAN_tsan-strict := thread
FLAGS_tsan-strict := -DCSPLAB_CORO_STRICT=ON
CTEST_tsan-strict := -L '^impl:coro$$'

.PHONY: all deps test list bench compare clean stress mutants

all: build-release

deps:
	@scripts/deps.sh

# build-<variant>: configure (quietly; re-run each time so EXTRA_IMPLS takes effect) and build.
build-%: deps
	@mkdir -p build
	@if [ -n "$(EXTRA_IMPLS)" ] && [ ! -d "$(EXTRA_ABS)" ]; then \
	  echo "csplab: EXTRA_IMPLS=$(EXTRA_IMPLS) is not a directory" >&2; exit 2; fi
	@$(if $(CC_$*),CC=$(CC_$*)) cmake -S . -B build/$* -DCSPLAB_SANITIZE=$(SAN_$*) \
	  -DCSPLAB_EXTRA_IMPLS="$(EXTRA_ABS)" $(FLAGS_$*) $(CMAKE_FLAGS) >build/.configure-$*.log 2>&1 \
	  || { cat build/.configure-$*.log >&2; exit 1; }
	@cmake --build build/$* -j$(JOBS)

# Fails with the list of names when IMPL names no implementation.
define check_impl
	$(if $(IMPL),@build/$(1)/csplab-list --impl "$(IMPL)" >/dev/null)
endef

# make test runs everything registered with ctest: conformance, self-tests, the CI-sized stress
# run (STRESS_SECONDS per scenario) and mutant check, and the benchmark smoke run. TEST_EXCLUDE
# is a ctest label regex to leave out, e.g. TEST_EXCLUDE='^(stress|mutants)$$' for a quick run.
TEST_EXCLUDE ?=

test-%: build-%
	$(call check_impl,$*)
	@echo "== csplab: $* build$(if $(IMPL),$(comma) implementation $(IMPL)) =="
	@cd build/$* && ctest --output-on-failure -j$(JOBS) $(if $(TEST_EXCLUDE),-LE '$(TEST_EXCLUDE)') \
	  $(if $(IMPL),-L '^impl:$(IMPL)$$',$(CTEST_$*)) $(CTEST_FLAGS)

test: test-release test-tsan test-tsan-strict

STRESS_SECONDS ?= 1
stress: stress-release stress-tsan stress-asan

stress-%: build-%
	$(call check_impl,$*)
	@echo "== csplab: stress suite, $* build, $(STRESS_SECONDS) s per run$(if $(IMPL),$(comma) implementation $(IMPL)) =="
	@cd build/$* && STRESS_SECONDS=$(STRESS_SECONDS) ctest --output-on-failure -j$(JOBS) \
	  -L '^stress$$' $(if $(IMPL),-L '^impl:$(IMPL)$$') $(CTEST_FLAGS)

mutants: build-release build-tsan
	@$(PYTHON) scripts/mutants.py --build build/release --build build/tsan --mode full \
	  --matrix docs/kill-matrix.md

list: build-release
	@build/release/csplab-list $(if $(IMPL),--impl "$(IMPL)")

# bench/run.py does the run and the report; it checks IMPL itself (IMPL=go: the Go side only).
# BENCH_PROFILE=smoke|quick|full, BENCH_FILTER=<Python regex>, BENCH_ONE_SIDE=1 (a filter may
# match one side only); $(value ...) keeps a regex's '$' intact.
bench: build-release
	@BENCH_PROFILE='$(value BENCH_PROFILE)' BENCH_FILTER='$(value BENCH_FILTER)' \
	  BENCH_ONE_SIDE='$(value BENCH_ONE_SIDE)' IMPL='$(value IMPL)' $(PYTHON) bench/run.py

# Two runs side by side (run directories or their results.json): bench/report/compare.py.
compare:
	@if [ -z "$(OLD)" ] || [ -z "$(NEW)" ]; then \
	  echo "csplab: make compare OLD=<run dir> NEW=<run dir> (e.g. reports/<run-id>)" >&2; exit 2; fi
	@$(PYTHON) bench/run.py --compare '$(value OLD)' '$(value NEW)'

clean:
	rm -rf build
