# csplab: the short commands. CMake does the building (CMakeLists.txt); this file only picks the
# build directory and passes the options through.
#
#   make test      release and ThreadSanitizer builds, conformance suite on every implementation
#                  (plus the coro family in its strict ThreadSanitizer build)
#   make bench     benchmarks of every implementation beside glibc and Go, and the report
#   make compare   OLD=<run> NEW=<run>: two benchmark runs compared, row by row
#   make list      the registry: <primitive> <name> <family> (needs only cmake and a C compiler)
#   make install   PREFIX=<dir> (default /usr/local): the library, headers, csplab.pc and the
#                  CMake package (README, "Use it in your program")
#   make stress    the stress suite in the release, TSan and ASan+UBSan builds, STRESS_SECONDS
#                  (default 1) per scenario and load; make stress-<build> for one build
#   make stress-long  the stress suite's long profile (release build): 30 s per run, 3 passes
#   make mutants   every mutant through every check (release + TSan); writes docs/kill-matrix.md
#                  (MUTANTS_LONG=1: the long stress profile too, a column of the matrix). make
#                  test runs a CI-sized mutant check too (ctest label "mutants", mode ci), as it
#                  runs a CI-sized stress run (label "stress"); TEST_EXCLUDE='^(stress|mutants)$$'
#                  leaves both out
#   make coverage  line and branch coverage of src/ and impls/ by the conformance and stress
#                  suites (build/coverage; gcovr): build/coverage/coverage.txt and .html
#                  (not part of make test)
#
# Options on any of them (README has the table of every knob; a bad value stops make, exit 2,
# before anything runs):
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
PREFIX ?= /usr/local

# ---- Knob checks: at parse time, so a bad value stops make (exit 2) before anything runs --------
# $(call shq,text): text as one single-quoted shell word.
shq = '$(subst ','\'',$(1))'
# $(call knob_ok,NAME,ERE,what): NAME's value must match ERE, whole.
knob_ok = $(if $(shell printf '%s' $(call shq,$($(1))) | grep -Eqx '$(2)' && echo y),,\
  $(error csplab: $(1)=$($(1)) is not $(3)))
knob_ok_if_set = $(if $($(1)),$(call knob_ok,$(1),$(2),$(3)))
POSITIVE_INT := 0*[1-9][0-9]*
POSITIVE_NUM := 0*[1-9][0-9]*(\.[0-9]*)?|0*\.0*[1-9][0-9]*
$(call knob_ok,JOBS,$(POSITIVE_INT),a positive whole number of parallel jobs)
$(call knob_ok_if_set,STRESS_SECONDS,$(POSITIVE_NUM),a positive number of seconds)
$(call knob_ok_if_set,STRESS_SEEDS,$(POSITIVE_INT),a positive whole number of seeds)
$(call knob_ok_if_set,STRESS_CHAOS,[012],0$(comma) 1 or 2)
$(call knob_ok_if_set,BENCH_ONE_SIDE,[01],0 or 1)
# The profiles' names: the first column of bench/profiles.tsv, their one definition.
BENCH_PROFILES := $(shell sed -e 's/\#.*//' bench/profiles.tsv | awk 'NF {print $$1}')
$(if $(value BENCH_PROFILE),$(if $(filter-out 1,$(words $(value BENCH_PROFILE))),\
  $(error csplab: BENCH_PROFILE=$(value BENCH_PROFILE) is not one of: $(BENCH_PROFILES)))\
  $(if $(filter $(value BENCH_PROFILE),$(BENCH_PROFILES)),,\
  $(error csplab: BENCH_PROFILE=$(value BENCH_PROFILE) is not one of: $(BENCH_PROFILES))))
# TEST_EXCLUDE is a ctest label regex: compiled by CMake's engine, the one ctest uses.
$(if $(value TEST_EXCLUDE),$(if $(shell cmake -DRE=$(call shq,$(value TEST_EXCLUDE)) \
  -P scripts/check-regex.cmake >/dev/null 2>&1 && echo y),,\
  $(error csplab: TEST_EXCLUDE=$(value TEST_EXCLUDE) is not a valid regular expression)))

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

.PHONY: all deps test list install bench compare clean stress stress-long mutants coverage \
	check-extra FORCE

all: build-release

deps:
	@scripts/deps.sh

check-extra:
	@if [ -n "$(EXTRA_IMPLS)" ] && [ ! -d "$(EXTRA_ABS)" ]; then \
	  echo "csplab: EXTRA_IMPLS=$(EXTRA_IMPLS) is not a directory" >&2; exit 2; fi

# build-<variant>: configure (quietly; re-run each time so EXTRA_IMPLS takes effect), check IMPL
# (with csplab-list, built first), then build everything.
build-%: check-extra
	@scripts/deps.sh build $(if $(CC_$*),clang)
	@mkdir -p build
	@$(if $(CC_$*),CC=$(CC_$*)) cmake -S . -B build/$* -DCSPLAB_SANITIZE=$(SAN_$*) \
	  -DCSPLAB_BUILD_TESTS=ON -DCSPLAB_BUILD_BENCH=ON \
	  -DCSPLAB_EXTRA_IMPLS="$(EXTRA_ABS)" $(FLAGS_$*) $(CMAKE_FLAGS) >build/.configure-$*.log 2>&1 \
	  || { cat build/.configure-$*.log >&2; exit 1; }
	$(if $(and $(IMPL),$(CHECK_IMPL)),$(call light_build,$*,csplab-list))
	$(call check_impl,$*)
	@cmake --build build/$* -j$(JOBS)

# The light targets (list, install): configure only when build/<variant> is not configured yet
# (then without the tests and benchmarks, so only cmake and a C compiler are needed) or
# EXTRA_IMPLS changed; build only the targets named, quietly (the log is shown on failure).
define light_build
	@command -v cmake >/dev/null && command -v "$${CC:-cc}" >/dev/null || { \
	  echo "csplab: this needs cmake and a C compiler ($${CC:-cc}) (Debian: cmake build-essential)" >&2; \
	  exit 2; }
	@mkdir -p build
	@if ! grep -qsx 'CSPLAB_EXTRA_IMPLS:PATH=$(EXTRA_ABS)' build/$(1)/CMakeCache.txt; then \
	  light=; [ -f build/$(1)/CMakeCache.txt ] || light="-DCSPLAB_BUILD_TESTS=OFF -DCSPLAB_BUILD_BENCH=OFF"; \
	  $(if $(CC_$(1)),CC=$(CC_$(1))) cmake -S . -B build/$(1) -DCSPLAB_SANITIZE=$(SAN_$(1)) $$light \
	    -DCSPLAB_EXTRA_IMPLS="$(EXTRA_ABS)" $(FLAGS_$(1)) $(CMAKE_FLAGS) >build/.configure-$(1).log 2>&1 \
	  || { cat build/.configure-$(1).log >&2; exit 1; }; fi
	@cmake --build build/$(1) -j$(JOBS) --target $(2) >build/.light-$(1).log 2>&1 \
	  || { cat build/.light-$(1).log >&2; exit 1; }
endef

# Fails with the list of names when IMPL names no implementation (bench: IMPL=go is valid
# there, and bench/run.py checks IMPL itself).
CHECK_IMPL := 1
define check_impl
	$(if $(and $(IMPL),$(CHECK_IMPL)),@build/$(1)/csplab-list --impl "$(IMPL)" >/dev/null)
endef

# make test runs everything registered with ctest: conformance, self-tests, the CI-sized stress
# run (STRESS_SECONDS per scenario) and mutant check, and the benchmark smoke run. TEST_EXCLUDE
# is a ctest label regex to leave out, e.g. TEST_EXCLUDE='^(stress|mutants)$$' for a quick run.
TEST_EXCLUDE ?=

# A selection that selects no test is an error (--no-tests=error).
test-%: build-%
	@echo "== csplab: $* build$(if $(IMPL),$(comma) implementation $(IMPL)) =="
	@cd build/$* && ctest --output-on-failure --no-tests=error -j$(JOBS) \
	  $(if $(TEST_EXCLUDE),-LE '$(TEST_EXCLUDE)') \
	  $(if $(IMPL),-L '^impl:$(IMPL)$$',$(CTEST_$*)) $(CTEST_FLAGS)

test: test-release test-tsan test-tsan-strict

STRESS_SECONDS ?= 1
stress: stress-release stress-tsan stress-asan

stress-%: build-%
	@echo "== csplab: stress suite, $* build, $(STRESS_SECONDS) s per run$(if $(IMPL),$(comma) implementation $(IMPL)) =="
	@cd build/$* && STRESS_SECONDS=$(STRESS_SECONDS) ctest --output-on-failure --no-tests=error -j$(JOBS) \
	  -L '^stress$$' $(if $(IMPL),-L '^impl:$(IMPL)$$') $(CTEST_FLAGS)

# The long profile: every stress run STRESS_LONG_SECONDS long, once per pass (each ctest pass
# draws fresh seeds; the runs print theirs). Not part of make test.
STRESS_LONG_SECONDS ?= 30
STRESS_LONG_PASSES ?= 3
stress-long: build-release
	$(call check_impl,release)
	@for pass in $$(seq $(STRESS_LONG_PASSES)); do \
	  echo "== csplab: stress suite, long profile, pass $$pass of $(STRESS_LONG_PASSES) =="; \
	  (cd build/release && STRESS_SECONDS=$(STRESS_LONG_SECONDS) ctest --output-on-failure \
	    -j$(JOBS) -L '^stress$$' $(if $(IMPL),-L '^impl:$(IMPL)$$') $(CTEST_FLAGS)) || exit 1; \
	done

MUTANTS_LONG ?=
mutants: build-release build-tsan
	@scripts/deps.sh mutants
	@$(PYTHON) scripts/mutants.py --build build/release --build build/tsan --mode full \
	  $(if $(MUTANTS_LONG),--long) --matrix docs/kill-matrix.md

# Coverage: a separate build with --coverage; the conformance and stress suites (not the mutants
# or the benchmarks), then gcovr over src/ and impls/.
coverage:
	@scripts/deps.sh build coverage
	@mkdir -p build
	@cmake -S . -B build/coverage -DCSPLAB_SANITIZE= -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS="--coverage -fprofile-update=atomic -O1 -DCSPLAB_COVERAGE=1" \
	  -DCMAKE_EXE_LINKER_FLAGS=--coverage \
	  $(CMAKE_FLAGS) >build/.configure-coverage.log 2>&1 \
	  || { cat build/.configure-coverage.log >&2; exit 1; }
	@cmake --build build/coverage -j$(JOBS)
	@find build/coverage -name '*.gcda' -delete
	@cd build/coverage && ctest -j$(JOBS) -L '^(conformance|stress)$$' $(CTEST_FLAGS) \
	  >ctest.log 2>&1 || echo "csplab: some runs failed under coverage (build/coverage/ctest.log)"
	@gcovr -r . --object-directory build/coverage --filter 'src/' --filter 'impls/' \
	  --exclude-unreachable-branches --txt build/coverage/coverage.txt \
	  --html-details build/coverage/coverage.html --print-summary
	@echo "csplab: per-file figures in build/coverage/coverage.txt, pages in build/coverage/coverage.html"

# make list: csplab-list is rebuilt only when a file it is made of is newer, or EXTRA_IMPLS
# changed (FORCE), so a built tree answers without asking CMake (well under a second).
LIST_INPUTS := $(wildcard CMakeLists.txt cmake/* src/* impls/*/* include/csplab/* tools/list.c) \
  $(if $(EXTRA_ABS),$(wildcard $(EXTRA_ABS)/*.c))
LIST_CONFIGURED := $(shell grep -qsx 'CSPLAB_EXTRA_IMPLS:PATH=$(EXTRA_ABS)' \
  build/release/CMakeCache.txt && echo y)
build/release/csplab-list: $(LIST_INPUTS) $(if $(LIST_CONFIGURED),,FORCE)
	$(call light_build,release,csplab-list)
	@touch $@

list: check-extra build/release/csplab-list
	@build/release/csplab-list $(if $(IMPL),--impl "$(IMPL)")

FORCE:

install: check-extra
	$(call light_build,release,csplab_shared csplab_static csplab-list)
	@cmake --install build/release --prefix "$(abspath $(PREFIX))" >build/.install.log \
	  || { cat build/.install.log >&2; exit 1; }
	@echo "csplab: installed in $(abspath $(PREFIX)) (README: \"Use it in your program\")"

# bench/run.py does the run and the report; it checks IMPL itself (IMPL=go: the Go side only).
# BENCH_PROFILE=smoke|quick|full, BENCH_FILTER=<Python regex>, BENCH_ONE_SIDE=1 (a filter may
# match one side only); $(value ...) keeps a regex's '$' intact.
bench: CHECK_IMPL :=
bench: build-release
	@scripts/deps.sh bench
	@BENCH_PROFILE='$(value BENCH_PROFILE)' BENCH_FILTER='$(value BENCH_FILTER)' \
	  BENCH_ONE_SIDE='$(value BENCH_ONE_SIDE)' IMPL='$(value IMPL)' $(PYTHON) bench/run.py

# Two runs side by side (run directories or their results.json):
# bench/py/csplab_bench/report/compare.py.
compare:
	@if [ -z "$(OLD)" ] || [ -z "$(NEW)" ]; then \
	  echo "csplab: make compare OLD=<run dir> NEW=<run dir> (e.g. reports/<run-id>)" >&2; exit 2; fi
	@$(PYTHON) bench/run.py --compare '$(value OLD)' '$(value NEW)'

clean:
	rm -rf build
