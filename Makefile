# Top-level Makefile of the fork.  ./configure prepares build/; this file
# drives CPython's own Makefile in build/obj.  See README.md.

SHELL = /bin/sh
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD = $(TOP)/build
SRC = $(BUILD)/src
OBJ = $(BUILD)/obj
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

-include $(BUILD)/config.mk

# `make test` is CPython's `make test`: the whole regression suite, upstream's
# tests and ours, through regrtest's --fast-ci (-j0, -u all,-cpu, a timeout per
# test file, rerun of failures, fail on environment changes).  TESTS=... runs
# only the named test files, TESTOPTS=... replaces the options.
TESTS =
TESTOPTS = --fast-ci

# `make quicktest`: the interpreter suites, the fork's own tests, and a
# regression subset that shows the patched interpreter is sound: 28 test
# files, about 2 minutes.
INTERP_TESTS = test__interpreters test__interpchannels test__interpqueues \
	test_crossinterp test_interpreters
FORK_OWN_TESTS = test_fork_base
REGRESSION_TESTS = test_capi test_exceptions test_threading \
	test_concurrent_futures test_sys \
	test_import test_embed test_pickle test_queue test_os \
	test_http_cookies test_tarfile test_zipfile test_bz2
QUICKTESTS = $(INTERP_TESTS) $(FORK_OWN_TESTS) $(REGRESSION_TESTS)

# `make conformance`: CPython 3.14's own PEP 734 tests, run unmodified against
# ./python (Tools/conformance/README.md).  CONFORMANCEOPTS passes options to
# Tools/conformance/run.py, e.g. "--write-list FILE" or test module names.
CONFORMANCEOPTS =

# The test targets run without the caller's PYTHON* variables, which change
# what tests see (PYTHONUNBUFFERED, PYTHONDONTWRITEBYTECODE, ...).
NO_PYTHON_ENV = $(TOP)/scripts/without-python-env

# Sub-make: use all cores unless the caller already runs a jobserver.
SUBMAKE = case '$(MAKEFLAGS)' in *jobserver*) j= ;; *) j=-j$(JOBS) ;; esac; \
	$(MAKE) --no-print-directory $$j -C $(OBJ)

.PHONY: all build assemble test quicktest conformance refleak bench install \
	clean distclean deps refresh-patches export-series check-series discard-edits \
	check-configured help \
	check-install deb dist distcheck docs

all: build

help:
	@echo "make                  build ./python (after ./configure)"
	@echo "make test             the whole regression suite (TESTS=..., TESTOPTS=...)"
	@echo "make quicktest        the interpreter suites and a regression subset"
	@echo "make conformance      CPython 3.14's PEP 734 tests against ./python"
	@echo "                      (CONFORMANCEOPTS=\"--write-list FILE ...\")"
	@echo "make stress           the bounded stress suite (FORK_STRESS_KNOWN_BUGS=1 ...)"
	@echo "make sanitize         ASan+UBSan build in build/asan, interpreter suites under it"
	@echo "make tsan             TSan build in build/tsan, queue and channel tests under it"
	@echo "make refleak          refleak hunter on the interpreter suites (pydebug build)"
	@echo "make bench            benchmark against the SPEC performance table"
	@echo "                      (BENCHOPTS=\"--quick --compare PYTHON ...\")"
	@echo "make install          install (DESTDIR=... honoured)"
	@echo "make check-install    install into a temporary prefix and with DESTDIR, check"
	@echo "                      venv, ensurepip, a C extension in a subinterpreter, pydoc"
	@echo "make dist             dist/Python-VERSION.tar.xz and .sha256: the assembled tree"
	@echo "make distcheck        make dist, then build and test the tarball offline"
	@echo "make docs             HTML of our doc pages with Sphinx, warnings as errors"
	@echo "make deb              Debian packages for trixie, built and checked in chroots"
	@echo "                      (DEB_STEP=source|build|check; as root; long)"
	@echo "make refresh-patches  save edits made in build/src into patches/ and our files"
	@echo "                      (NEW=name puts edits no patch owns into a new patch;"
	@echo "                      PATCH=name puts every upstream edit into that patch)"
	@echo "make export-series    write the history of build/src (rebased with git) back"
	@echo "                      into patches/ and our files"
	@echo "make check-series     build and test points of the series in build/check-series"
	@echo "                      (POINTS=\"first NAME last all ...\" CHECK_TESTS=... CHECK_TESTOPTS=...)"
	@echo "make discard-edits    throw away edits made in build/src"
	@echo "make deps             install the Debian build dependencies (as root)"
	@echo "make clean            remove build products, keep the configured tree"
	@echo "make distclean        remove build/ and ./python (downloads stay cached)"

check-configured:
	@test -f $(OBJ)/Makefile || { \
	    echo "make: run ./configure first (see README.md)" >&2; exit 1; }

# Re-assemble build/src when the pins, the patches or our files changed;
# a no-op otherwise, so rebuilds stay incremental.
assemble: check-configured
	@$(TOP)/scripts/assemble "$(FORK_CACHE_DIR)" $(SRC)

build: assemble
	@echo "make: building CPython in build/obj"
	@$(SUBMAKE)
	@printf '#!/bin/sh\nexec "%s/python" "$$@"\n' "$(OBJ)" > $(TOP)/python.tmp
	@chmod +x $(TOP)/python.tmp && mv $(TOP)/python.tmp $(TOP)/python
	@$(TOP)/python -c 'import sys; print("make: built ./python", sys.version.split()[0])'

test: build
	$(NO_PYTHON_ENV) $(TOP)/python -m test $(TESTOPTS) $(TESTS)

quicktest: build
	$(NO_PYTHON_ENV) $(TOP)/python -m test $(TESTOPTS) $(QUICKTESTS)

conformance: build
	@$(NO_PYTHON_ENV) $(TOP)/scripts/conformance "$(FORK_CACHE_DIR)" \
	    $(TOP)/python $(CONFORMANCEOPTS)

# The refleak hunter over the interpreter suites; needs ./configure --with-pydebug.
refleak: build
	$(NO_PYTHON_ENV) $(TOP)/python -m test -R 3:3 $(INTERP_TESTS)

# The performance benchmark (Tools/interpbench); not part of `make test`.
# BENCHOPTS passes options, e.g. BENCHOPTS="--quick" or
# BENCHOPTS="--compare ../shared/tools/ref314".
BENCHOPTS =
bench: build
	$(TOP)/python $(TOP)/Tools/interpbench/bench.py $(BENCHOPTS)

install: build
	@$(SUBMAKE) install

# Install into build/check-install (a prefix, then DESTDIR) and check that the
# installed python3.13 works like an installed CPython (scripts/check-install).
check-install: build
	@$(NO_PYTHON_ENV) $(TOP)/scripts/check-install $(OBJ) $(SRC) $(BUILD)/check-install

# The source tarball, laid out like python.org's (scripts/dist); the version
# comes from Include/internal/pycore_pep734_version.h (scripts/fork-version).
# distcheck unpacks it in build/distcheck and runs CPython's plain
# ./configure && make && make test TESTOPTS=test_interpreters there, offline
# (measured: 45 min on the 2-core machine at load 10-18, ccache cold).
DIST_DIR = $(TOP)/dist
dist: assemble
	@$(TOP)/scripts/dist $(SRC) $(DIST_DIR)

distcheck: dist
	@$(NO_PYTHON_ENV) $(TOP)/scripts/distcheck \
	    $(DIST_DIR)/Python-$$($(TOP)/scripts/fork-version $(SRC)).tar.xz $(BUILD)/distcheck

# The HTML of our documentation pages, built with Debian's Sphinx (in a
# trixie chroot; FORK_SPHINX_BUILD=PATH uses another), -W: build/docs/html.
docs: assemble
	@$(TOP)/scripts/docs "$(FORK_CACHE_DIR)" $(SRC) $(BUILD)/docs

# Debian packages of the fork for trixie: Debian's python3.13 packaging plus
# our series, built with dpkg-buildpackage in a trixie chroot and checked in a
# fresh one (scripts/deb).  DEB_STEP=source|build|check runs one step;
# DEB_BUILD_OPTIONS defaults to "nocheck nopgo nolto nobench".
DEB_STEP = all
deb: assemble
	@$(TOP)/scripts/deb "$(FORK_CACHE_DIR)" $(SRC) $(BUILD)/deb $(DEB_STEP)

refresh-patches: check-configured
	@INTO_PATCH='$(PATCH)' $(TOP)/scripts/refresh-patches $(SRC) $(NEW)
	@FORK_EDITS_SAVED=1 $(TOP)/scripts/assemble "$(FORK_CACHE_DIR)" $(SRC)

# Patches rewritten as history: fold, split, reorder or rename them with git
# in build/src (commit --fixup, rebase -i), then write them back here.
export-series: check-configured
	@FORK_CACHE_DIR="$(FORK_CACHE_DIR)" $(TOP)/scripts/export-series $(SRC)

# Build and test points of the series (each patch with the files of ours that
# entered by then, patches/files) in build/check-series, one after the other,
# incrementally: scripts/check-series.  POINTS="NAME ... | first mid last
# overlay all" (default "first mid last"), CHECK_TESTS=... (default: the
# interpreter suites present at the point), CHECK_TESTOPTS=... (regrtest).
POINTS =
CHECK_TESTS =
CHECK_TESTOPTS =
check-series: assemble
	@POINTS='$(POINTS)' CHECK_TESTS='$(CHECK_TESTS)' CHECK_TESTOPTS='$(CHECK_TESTOPTS)' \
	    JOBS='$(JOBS)' $(TOP)/scripts/check-series $(SRC) $(OBJ) $(BUILD)/check-series

discard-edits: check-configured
	git --git-dir=$(SRC).git --work-tree=$(SRC) reset -q --hard fork

deps:
	$(TOP)/scripts/build-deps install

clean:
	@if test -f $(OBJ)/Makefile; then $(MAKE) --no-print-directory -C $(OBJ) clean; fi
	rm -f $(TOP)/python

distclean:
	rm -rf $(BUILD) $(TOP)/python

# --- Sanitizer builds and the stress suite --------------------------------
# Each sanitizer builds the same build/src in a directory of its own
# (build/asan, build/tsan), so the normal build in build/obj is untouched.
# scripts/sanitize configures and builds it, runs the tests and fails if a
# test fails or a sanitizer reported anything (reports: build/KIND/logs).
# SAN_TESTS / TSAN_TESTS choose the suites, SAN_TESTOPTS regrtest's options.
SAN_TESTS = $(INTERP_TESTS) test_concurrent_futures.test_interpreter_pool
TSAN_TESTS = test__interpqueues test__interpchannels \
	test_interpreters.test_queues test_interpreters.test_channels
STRESS_TESTS = test_interpreters.test_stress_fork
STRESSOPTS = -u cpu -v

.PHONY: sanitize asan tsan stress

# AddressSanitizer + UndefinedBehaviorSanitizer over the interpreter suites.
sanitize asan: assemble
	@$(TOP)/scripts/sanitize asan $(SAN_TESTS)

# ThreadSanitizer over the queue and channel tests.
tsan: assemble
	@$(TOP)/scripts/sanitize tsan $(TSAN_TESTS)

# The bounded stress suite (Lib/test/test_interpreters/test_stress_fork.py);
# FORK_STRESS_KNOWN_BUGS=1 also runs the tests skipped for known bugs.
stress: build
	$(NO_PYTHON_ENV) $(TOP)/python -m test $(STRESSOPTS) $(STRESS_TESTS)
