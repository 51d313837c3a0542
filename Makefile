# tagar - government-news topic tagger.  See README.md.
#
#   make                 release build, profile-guided (PGO, below) -> bin/
#   make PGO=0           the same without the profile: the quick loop while
#                        editing (build/dev/); a touched file recompiles
#                        only itself and what includes it
#   make check           every test suite; "N passed, N failed" at the end
#   make check SANITIZE=1 / SANITIZE=thread   ASan+UBSan / TSan (build/asan/, build/tsan/)
#   make install / uninstall   PREFIX (/usr/local) and DESTDIR honoured
#   make valgrind, valgrind-suite, fuzz, fuzz-smoke, fuzz-NAME, bench, model
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/tagar
MANDIR = $(PREFIX)/share/man/man1

# The programs: tagar-NAME is built from NAME/*.c and the library
# (lib/*.c), and man/tagar-NAME.1 is its manual.
PROGRAMS = train classify feeds serve

CC ?= cc
OPT ?= -O3
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -Wall -Wextra -Werror

# The Debian packages to build against are listed in deps.sh.  Compiler
# and linker flags come from pkg-config for the libraries that ship a .pc
# file; libxml2 only for its headers, as it is opened with dlopen (below).
# libsvm, liblinear and libstemmer ship none (Debian 12), so theirs are
# spelled here: libsvm's svm.h is in /usr/include/libsvm, the others'
# headers in /usr/include.
# raptor2 reads SKOS vocabularies (lib/skos.c), which only training
# reaches: with --as-needed, tagar-classify does not load it.  libcurl
# (lib/fetch.c) and SQLite (lib/archive.c) likewise only tagar-feeds, and
# libmicrohttpd only tagar-serve.
PKGS = libpcre2-8 libcjson libutf8proc libxxhash zlib raptor2 libcurl sqlite3 libmicrohttpd
PKGS_DLOPEN = libxml-2.0
NOPC_CFLAGS ?= -I/usr/include/libsvm
NOPC_LIBS ?= -lsvm -llinear
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) $(PKGS_DLOPEN) && echo ok),ok)
$(error pkg-config does not find all of: $(PKGS) $(PKGS_DLOPEN); ./deps.sh installs them)
endif
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(PKGS_DLOPEN))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude $(NOPC_CFLAGS) $(PKG_CFLAGS) \
	-DTAGAR_DATADIR='"$(DATADIR)"'
LDLIBS = $(NOPC_LIBS) $(PKG_LIBS) -lpthread -lm
# libxml2 (feeds, HTML), libstemmer (stemmed models; lib/stemso.h) and, in
# tagar-classify, libsvm (kernel models) are opened when needed (dlopen; see
# lib/xmlso.h), by these names; --as-needed keeps them and the C++ runtime
# they bring out of every start-up
SONAME = $(shell objdump -p "$$($(CC) -print-file-name=$(1))" 2>/dev/null | awk '/SONAME/ {print $$2}')
LIBSVM_SONAME := $(call SONAME,libsvm.so)
LIBSTEMMER_SONAME := $(call SONAME,libstemmer.so)
LIBXML2_SONAME := $(call SONAME,libxml2.so)
CPPFLAGS += $(if $(LIBSVM_SONAME),-DTAGAR_LIBSVM_SONAME='"$(LIBSVM_SONAME)"') \
	$(if $(LIBSTEMMER_SONAME),-DTAGAR_LIBSTEMMER_SONAME='"$(LIBSTEMMER_SONAME)"') \
	$(if $(LIBXML2_SONAME),-DTAGAR_LIBXML2_SONAME='"$(LIBXML2_SONAME)"')
LDFLAGS += -Wl,--as-needed

# ------------------------------------------------------- build variants
# Each variant compiles into its own directory, so switching between them
# rebuilds nothing that is up to date.  PGO_STAGE=gen and FUZZ=1 are set
# by the targets that need them (the profile, the fuzz harnesses).
PGO ?= 1
FUZZ_CC ?= clang
FUZZ_FLAGS ?= -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
GEN = build/pgo-gen
# GCC finds a static function's counts by an id made from its object's
# path, and the instrumented objects are in build/pgo-gen/, the release
# ones in build/release/: the function's number in its file is used instead.
PGO_ID = --param=profile-func-internal-id=1
ifeq ($(PGO_STAGE),gen)
# the instrumented build the profile is taken with (see PGO below)
CFLAGS += -fprofile-generate -fprofile-update=atomic $(PGO_ID)
LDFLAGS += -fprofile-generate
BUILD = $(GEN)
OUT = $(BUILD)/bin
# every library object is linked in, so that each has counts (zero for
# code the programs do not use: -fprofile-partial-training then optimises
# it as if there were no profile)
LINK_LIBTAGAR = -Wl,--whole-archive $(BUILD)/libtagar.a -Wl,--no-whole-archive
else ifeq ($(FUZZ),1)
CC = $(FUZZ_CC)
CFLAGS = $(FUZZ_FLAGS)
LDFLAGS += $(FUZZ_FLAGS)
BUILD = build/fuzz
OUT = $(BUILD)
else ifeq ($(SANITIZE),1)
# make check SANITIZE=1: AddressSanitizer + UndefinedBehaviorSanitizer
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD = build/asan
OUT = $(BUILD)/bin
else ifeq ($(SANITIZE),thread)
# make check SANITIZE=thread: ThreadSanitizer (the threaded batch classifier)
CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
BUILD = build/tsan
OUT = $(BUILD)/bin
else ifeq ($(PGO),1)
CFLAGS += -fprofile-use -fprofile-partial-training -Wno-missing-profile $(PGO_ID)
BUILD = build/release
OUT = bin
else
BUILD = build/dev
OUT = bin
endif
# the release variant (install, valgrind): build/release, or build/dev with PGO=0
RELEASE = $(if $(filter 1,$(PGO)),build/release,build/dev)

LIB_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard lib/*.c))
prog_obj = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c))
PROGRAM_OBJ = $(foreach p,$(PROGRAMS),$(call prog_obj,$(p)))
BINS = $(PROGRAMS:%=$(OUT)/tagar-%)
TESTS = $(BUILD)/tests/unit $(BUILD)/tests/library $(BUILD)/tests/header $(BUILD)/tests/lexicon $(BUILD)/tests/feedio $(BUILD)/tests/loading $(BUILD)/tests/compat/linfit_check
LINK_LIBTAGAR ?= $(BUILD)/libtagar.a

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
# Objects and profile files made through pattern chains are kept rather
# than deleted as intermediates.  Not a bare .SECONDARY: that makes every
# target intermediate, a header a .d file lists that no longer exists
# (renamed, removed) among them, and then nothing that included it is
# rebuilt: the objects would keep the old header.
.PRECIOUS: build/%.o build/%.gcda
.DELETE_ON_ERROR:
.PHONY: all deps check test compat-check model install uninstall clean bench profile

all: $(BINS)

# Every object: the dependency file beside it (-MMD) lists the headers it
# includes, so an edit recompiles what includes the edited file and no more.
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(INTERNAL_CPPFLAGS) $(EXTRA_CPPFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# lib/xxh3avx2.c is XXH3 compiled for AVX2 (the model checksum at twice
# the speed); lib/cpu.c calls it only on a CPU that has AVX2.
ifeq ($(shell uname -m),x86_64)
$(BUILD)/lib/xxh3avx2.o: EXTRA_CPPFLAGS = -mavx2
endif

# include/tagar.h is the one header the programs can include; the
# library's modules, the tests and the fuzzers also see its internal
# headers (lib/internal.h and the rest).
$(BUILD)/lib/%.o $(BUILD)/tests/%.o: INTERNAL_CPPFLAGS = -Ilib

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

$(BUILD)/libtagar.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# bin/ holds the release or the PGO=0 programs, whichever was built last:
# the stamp naming their variant changes on a switch, which relinks them.
ifeq ($(OUT),bin)
VARIANT_STAMP = bin/.variant
$(shell mkdir -p bin; [ "$$(cat $(VARIANT_STAMP) 2>/dev/null)" = $(BUILD) ] || echo $(BUILD) > $(VARIANT_STAMP))
endif

$(foreach p,$(PROGRAMS),$(eval $(OUT)/tagar-$(p): $(call prog_obj,$(p))))
$(BINS): $(BUILD)/libtagar.a $(VARIANT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(LINK_LIBTAGAR) $(LDLIBS) -o $@

# tagar-serve's page is embedded by the assembler (.incbin, serve/page.c),
# which -MMD does not see
$(BUILD)/serve/page.o: serve/page.html

TEST_LDLIBS = $(LDLIBS)
$(TESTS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libtagar.a
	$(CC) $(LDFLAGS) $^ $(TEST_LDLIBS) -o $@

# ------------------------------------------------------------------ PGO
# Release builds are profile-guided: the programs are built instrumented
# (build/pgo-gen/), run on the project's own sample (batch tagging, one
# article, a small training), and the release objects compiled with GCC
# laying out branches and inlining by those counts.  Batch tagging is about
# 6% faster.  PGO=0 skips all this.
#
# An edit changes the counts of the code it touches, so the sample is run
# again whenever a source changes; but each release object depends only on
# its own counts (build/release/X.gcda, copied from build/pgo-gen/ only
# when they differ): touching lib/util.c recompiles util.c twice
# (instrumented and release), reruns the sample (a few seconds) and
# relinks, and recompiles other files only when the edit changed how their
# code ran.  For that the counts must come out the same from one run to
# the next: the sample runs on one thread (-j 1: threads and forked workers
# make counts and value profiles vary) and without address-space
# randomisation (setarch -R: GCC profiles pointer alignment by value).
NOASLR := $(shell setarch -R true > /dev/null 2>&1 && echo setarch -R)
# tagar-serve is not run in the sample (it would need a client and its
# threads would make the counts vary): its own objects have no counts and
# are optimised as without a profile; the library it spends its time in is
# profiled by the sample all the same.
PGO_UNPROFILED = $(call prog_obj,serve)
ifeq ($(BUILD),build/release)
$(LIB_OBJ) $(filter-out $(PGO_UNPROFILED),$(PROGRAM_OBJ)): $(BUILD)/%.o: $(BUILD)/%.gcda
$(BUILD)/%.gcda: profile
	@mkdir -p $(@D)
	@cmp -s $(GEN)/$*.gcda $@ || cp $(GEN)/$*.gcda $@
endif

profile:
	@$(MAKE) --no-print-directory PGO_STAGE=gen $(GEN)/.profiled

ifeq ($(PGO_STAGE),gen)
# the sample run; counts from an earlier run are removed first
# Every program must run (a release object needs its counts); tagar-feeds
# polls two fixture feeds (file://) into a fresh archive, writes the
# per-tag feeds and queries it.  Its poll loop waits on a clock, so its
# counts vary a little from run to run: an edit may recompile its files
# once more than needed, never wrongly.
FEEDS_SAMPLE = tests/fixtures/antara.rss tests/fixtures/poskota.atom
$(GEN)/.profiled: $(BINS) data/sample.jsonl data/sample-eval.jsonl data/sample-article.txt models/default.tgm $(FEEDS_SAMPLE)
	find $(GEN) -name '*.gcda' -delete
	for i in 1 2 3 4 5 6 7 8; do cat data/sample.jsonl data/sample-eval.jsonl; done | \
	  $(NOASLR) $(OUT)/tagar-classify -m models/default.tgm -j 1 --batch > /dev/null
	$(NOASLR) $(OUT)/tagar-classify -m models/default.tgm data/sample-article.txt > /dev/null
	$(NOASLR) $(OUT)/tagar-train -q -j 1 -o $(GEN)/sample.tgm data/sample.jsonl
	rm -rf $(GEN)/feeds.db $(GEN)/feeds.db-wal $(GEN)/feeds.db-shm $(GEN)/tags
	$(NOASLR) $(OUT)/tagar-feeds -q -j 1 -m models/default.tgm --db $(GEN)/feeds.db --per-tag-feeds $(GEN)/tags \
	  $(FEEDS_SAMPLE) > /dev/null
	$(NOASLR) $(OUT)/tagar-feeds query --db $(GEN)/feeds.db --search KPK > /dev/null
	touch $@
endif

# --------------------------------------------------------------- checks
# a race report ends the process, so the suite sees it as a failure
check: export TSAN_OPTIONS = halt_on_error=1
check: all $(TESTS)
	@tests/run $(BUILD) $(OUT)

test: check

# README.md's quick-start and test commands on a fresh Debian 12 minbase
# root (root and debootstrap needed; see tests/fresh.sh)
.PHONY: fresh-check
fresh-check:
	@tests/fresh.sh

# lib/linfit.c against LIBLINEAR 2.47's struct layout (tests/compat/),
# linked with stand-ins for LIBLINEAR's functions instead of the library.
COMPAT_LIBLINEAR = tests/compat/liblinear-2.47
$(BUILD)/tests/compat/%.o: EXTRA_CPPFLAGS = -I$(COMPAT_LIBLINEAR)
$(BUILD)/tests/compat/%: TEST_LDLIBS = $(filter-out -llinear,$(LDLIBS))

compat-check: $(BUILD)/tests/compat/linfit_check
	$<

# Installs the Debian packages tagar builds against (as root, or via sudo).
deps:
	@sh deps.sh

# The default model, from the shared government-news corpus and the
# project's vocabulary of its tags.
SHARED ?= ../shared
model: bin/tagar-train
	bin/tagar-train -q --vocab data/govtags-vocab.txt -o models/default.tgm $(SHARED)/data/govtags/train.jsonl

install:
	$(MAKE) SANITIZE= $(PROGRAMS:%=bin/tagar-%)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(PROGRAMS:%=bin/tagar-%) $(DESTDIR)$(BINDIR)
	install -m 644 models/default.tgm $(DESTDIR)$(DATADIR)/default.tgm
	install -m 644 data/boilerplate.txt $(DESTDIR)$(DATADIR)/boilerplate.txt
	install -m 644 $(PROGRAMS:%=man/tagar-%.1) $(DESTDIR)$(MANDIR)
	install -m 644 serve/tagar-serve.service $(DESTDIR)$(DATADIR)/tagar-serve.service

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/tagar-%) $(PROGRAMS:%=$(DESTDIR)$(MANDIR)/tagar-%.1) \
	  $(DESTDIR)$(DATADIR)/default.tgm $(DESTDIR)$(DATADIR)/boilerplate.txt \
	  $(DESTDIR)$(DATADIR)/tagar-serve.service

bench: all
	/usr/bin/python3 bench/bench.py

clean:
	rm -rf build bin

# ---------------------------------------------------------------- fuzzing
# libFuzzer harnesses (tests/fuzz/*.c) built with clang against the library
# compiled with the same instrumentation into build/fuzz/.
#   make fuzz            every harness for FUZZ_SECONDS (default 300) each
#   make fuzz-smoke      every harness for 30 s each
#   make fuzz-model      one harness (also fuzz-record, fuzz-text, fuzz-corpus,
#                        fuzz-feed, fuzz-html, fuzz-clean, fuzz-jsonline,
#                        fuzz-sniff, fuzz-vocab, fuzz-skos, fuzz-opml,
#                        fuzz-urllist, fuzz-serve_request: tagar-serve's
#                        request decoding)
# fuzz_jsonline is differential: it aborts when the JSONL fast path
# (lib/jsonline.c) and the cJSON path read a line differently.
# Harnesses run one after another; make -j2 fuzz runs two at a time.
# Seeds are tests/fuzz/seeds/NAME/; the growing corpus is build/fuzz/corpus/NAME/
# and crash inputs go to build/fuzz/artifacts/NAME/.  A crash, leak or
# timeout fails the target.  Debian: apt-get install clang libclang-rt-14-dev
FUZZ_SECONDS ?= 300
FUZZ_RUNFLAGS ?= -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_BUILD = build/fuzz
FUZZERS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# the harnesses the goals name (fuzz-model: fuzz_model), else all of them;
# one sub-make builds them all, so harnesses run in parallel share its objects
FUZZ_WANT = $(or $(filter $(FUZZERS),$(patsubst fuzz-%,fuzz_%,$(MAKECMDGOALS))),$(FUZZERS))

.PHONY: fuzz fuzz-smoke fuzz-build $(FUZZERS:fuzz_%=fuzz-%)

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/libtagar.a
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS) -o $@
# tagar-serve's request decoding is a program's code, not the library's
$(FUZZ_BUILD)/fuzz_serve_request: $(FUZZ_BUILD)/serve/request.o

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 $(FUZZ_WANT:%=$(FUZZ_BUILD)/%)

# Runs one harness; prints "NAME: N runs in S s" from libFuzzer's
# "Done N runs in S second(s)", or the crash report and fails.
$(FUZZERS:fuzz_%=fuzz-%): fuzz-%: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/corpus/fuzz_$* $(FUZZ_BUILD)/artifacts/fuzz_$* $(FUZZ_BUILD)/logs
	@log=$(FUZZ_BUILD)/logs/fuzz_$*.log; \
	echo "fuzz_$*: fuzzing for $(FUZZ_SECONDS) s (log $$log)"; \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	$(FUZZ_BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) $(FUZZ_RUNFLAGS) \
	  -artifact_prefix=$(FUZZ_BUILD)/artifacts/fuzz_$*/ \
	  $(FUZZ_BUILD)/corpus/fuzz_$* tests/fuzz/seeds/fuzz_$* > $$log 2>&1; \
	rc=$$?; \
	done=$$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' $$log); \
	if [ $$rc -ne 0 ] || [ -z "$$done" ]; then \
	  tail -n 60 $$log; \
	  echo "fuzz_$*: FAILED (exit $$rc); inputs in $(FUZZ_BUILD)/artifacts/fuzz_$*/:"; \
	  ls $(FUZZ_BUILD)/artifacts/fuzz_$*/; \
	  exit 1; \
	fi; \
	echo "fuzz_$*: $$done, corpus $$(ls $(FUZZ_BUILD)/corpus/fuzz_$* | wc -l) inputs"

fuzz: $(FUZZERS:fuzz_%=fuzz-%)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# ------------------------------------------------------------- valgrind
# The unit tests and representative CLI runs (release build) under
# memcheck: fails on any memory error or definite/indirect leak.  The
# tagar-serve suite runs with every server under memcheck (tests/serve.sh's
# SERVE_WRAP): its exit status after SIGTERM is memcheck's.  memcheck
# follows fork() (--trace-children=no only stops it at exec), so the worker
# processes tagar-train forks for -j 2 are checked as well; -j 1 trains in
# the one process.
VALGRIND ?= valgrind
VG = TAGAR_NO_JIT=1 $(VALGRIND) -q --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --trace-children=no
VG_OUT = build/valgrind

.PHONY: valgrind

valgrind:
	@$(MAKE) --no-print-directory SANITIZE= all $(RELEASE)/tests/unit
	@mkdir -p $(VG_OUT)
	$(VG) $(RELEASE)/tests/unit > $(VG_OUT)/unit.log 2>&1 || { cat $(VG_OUT)/unit.log; exit 1; }
	$(VG) bin/tagar-train -q -j 1 -o $(VG_OUT)/sample.tgm data/sample.jsonl
	$(VG) bin/tagar-train -q -j 2 --cv 3 -n 2 --stem indonesian -o $(VG_OUT)/bigram.tgm data/sample.jsonl > /dev/null
	$(VG) bin/tagar-train -q -j 1 -s libsvm --kernel rbf -o $(VG_OUT)/rbf.tgm data/sample.ft
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm data/sample-article.txt > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/bigram.tgm --json -a --explain=3 data/sample-article.txt > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm -j 2 -b data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/rbf.tgm -j 1 -a data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm --eval data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm --info > /dev/null
	rm -rf $(VG_OUT)/feeds.db* $(VG_OUT)/tags
	$(VG) bin/tagar-feeds -q -m $(VG_OUT)/sample.tgm --db $(VG_OUT)/feeds.db --per-tag-feeds $(VG_OUT)/tags \
	  tests/fixtures/antara.rss tests/fixtures/poskota.atom > /dev/null
	$(VG) bin/tagar-feeds query --db $(VG_OUT)/feeds.db --search 'suap OR banjir' > /dev/null
	$(VG) bin/tagar-feeds retag -q -j 2 -m $(VG_OUT)/bigram.tgm --db $(VG_OUT)/feeds.db
	head -c 3000 $(VG_OUT)/sample.tgm > $(VG_OUT)/truncated.tgm
	$(VG) bin/tagar-classify -m $(VG_OUT)/truncated.tgm data/sample-article.txt 2> /dev/null; \
	  rc=$$?; [ $$rc -eq 3 ] || { echo "corrupt model: exit $$rc, want 3"; exit 1; }
	SERVE_WRAP="$(VG)" sh tests/serve.sh bin > $(VG_OUT)/serve.log 2>&1 || { cat $(VG_OUT)/serve.log; exit 1; }
	@echo "valgrind: clean"

# The CLI suites (tests/cli.sh, feeds.sh, stream.sh) with every tagar-train
# and tagar-classify they start run under memcheck: build/vgbin/ holds
# wrapper scripts that exec the release binaries under valgrind, each
# process logging to build/vglogs/PID.log (-q: a clean process leaves an
# empty log).  They run copies of the binaries, so a rebuild during the
# run (tests/cli.sh runs make install) does not change what is tested.
# Fails when a suite fails (an error also changes the exit status to 99)
# or any log is non-empty.  Takes several minutes.
VG_BIN = build/vgbin
VG_LOGS = build/vglogs
VG_WRAP = env TAGAR_NO_JIT=1 $(VALGRIND) -q --leak-check=full --error-exitcode=99 \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--log-file=$(CURDIR)/$(VG_LOGS)/%p.log

.PHONY: valgrind-suite

valgrind-suite:
	@$(MAKE) --no-print-directory SANITIZE= all
	@rm -rf $(VG_BIN) $(VG_LOGS)
	@mkdir -p $(VG_BIN)/real $(VG_LOGS)
	@for p in $(PROGRAMS:%=tagar-%); do \
	  cp bin/$$p $(VG_BIN)/real/$$p; \
	  printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(VG_WRAP)' '$(CURDIR)/$(VG_BIN)/real/'$$p > $(VG_BIN)/$$p; \
	  chmod +x $(VG_BIN)/$$p; \
	done
	@rc=0; for s in cli firsthour feeds stream reliability-train reliability-read; do \
	  echo "== tests/$$s.sh $(VG_BIN)"; \
	  sh tests/$$s.sh $(VG_BIN) || rc=1; \
	done; \
	bad=$$(find $(VG_LOGS) -type f -size +0c | sort); \
	for f in $$bad; do echo "--- $$f"; cat $$f; done; \
	echo "valgrind-suite: $$(ls $(VG_LOGS) | wc -l) processes, $$(echo $$bad | wc -w) with memcheck reports"; \
	if [ $$rc -eq 0 ] && [ -z "$$bad" ]; then echo "valgrind-suite: clean"; \
	else echo "valgrind-suite: FAILED"; exit 1; fi
