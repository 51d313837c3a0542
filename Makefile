# tagar - government-news topic tagger.  See README.md.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/tagar
MANDIR = $(PREFIX)/share/man/man1

CC ?= cc
OPT ?= -O3
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -Wall -Wextra -Werror
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -I/usr/include/libsvm -I/usr/include/libxml2 \
	-DTAGAR_DATADIR='"$(DATADIR)"'
LDLIBS = -lsvm -llinear -lutf8proc -lstemmer -lcjson -lxxhash -lpcre2-8 -lz -lm -lraptor2
# raptor2 reads SKOS vocabularies (lib/skos.c), which only training reaches:
# with --as-needed, tagar-classify does not load it
CPPFLAGS += -I/usr/include/raptor2
# libxml2 (feeds, HTML) and, in tagar-classify, libsvm (kernel models) are
# opened when needed (dlopen; see lib/xmlso.h), by these names; --as-needed
# keeps them and the C++ runtime they bring out of every start-up
SONAME = $(shell objdump -p "$$($(CC) -print-file-name=$(1))" 2>/dev/null | awk '/SONAME/ {print $$2}')
LIBSVM_SONAME := $(call SONAME,libsvm.so)
LIBXML2_SONAME := $(call SONAME,libxml2.so)
CPPFLAGS += $(if $(LIBSVM_SONAME),-DTAGAR_LIBSVM_SONAME='"$(LIBSVM_SONAME)"') \
	$(if $(LIBXML2_SONAME),-DTAGAR_LIBXML2_SONAME='"$(LIBXML2_SONAME)"')
LDFLAGS += -Wl,--as-needed

# Release builds are profile-guided: everything is first built instrumented
# (at the same object paths: GCC names a static function's counts after its
# object file), run on the project's own sample (batch tagging, one article,
# a small training), then rebuilt with GCC laying out branches and inlining
# by those counts.  Batch tagging is about 6% faster.  PGO=0 builds without.
PGO ?= 1
PROFILE = build/release/.profiled
PROFILE_BIN = build/release/profiling

# make check SANITIZE=1: AddressSanitizer + UndefinedBehaviorSanitizer
ifeq ($(PGO_STAGE),gen)
CFLAGS += -fprofile-generate -fprofile-update=atomic
LDFLAGS += -fprofile-generate
BUILD = build/release
OUT = $(PROFILE_BIN)
else ifeq ($(SANITIZE),1)
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
else
BUILD = build/release
OUT = bin
ifeq ($(PGO),1)
CFLAGS += -fprofile-use -fprofile-partial-training -Wno-missing-profile
NEED_PROFILE = $(PROFILE)
endif
endif

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
HDRS = $(wildcard lib/*.h)
PROGS = $(OUT)/tagar-train $(OUT)/tagar-classify
TESTS = $(BUILD)/tests/unit $(BUILD)/tests/lexicon

# The Debian packages to build against are listed in deps.sh.

.SECONDARY:
.PHONY: all deps check test model install uninstall clean bench

all: $(PROGS)

$(BUILD)/lib/%.o: lib/%.c $(HDRS) $(NEED_PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtagar.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

TRAIN_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard train/*.c))
CLASSIFY_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard classify/*.c))

$(BUILD)/train/%.o: train/%.c $(HDRS) $(wildcard train/*.h) $(NEED_PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/classify/%.o: classify/%.c $(HDRS) $(wildcard classify/*.h) $(NEED_PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OUT)/tagar-train: $(TRAIN_OBJ) $(BUILD)/libtagar.a
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/tagar-classify: $(CLASSIFY_OBJ) $(BUILD)/libtagar.a
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

$(BUILD)/tests/%.o: tests/%.c tests/check.h $(HDRS) $(NEED_PROFILE)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/unit: $(BUILD)/tests/unit.o $(BUILD)/libtagar.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/lexicon: $(BUILD)/tests/lexicon.o $(BUILD)/libtagar.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The profile: the instrumented build run on data/ and the default model;
# its objects are then removed, keeping the counts (.gcda) beside them.
$(PROFILE): $(LIB_SRC) $(HDRS) $(wildcard train/*.[ch] classify/*.[ch]) data/sample.jsonl models/default.tgm
	rm -rf build/release
	$(MAKE) PGO_STAGE=gen $(PROFILE_BIN)/tagar-train $(PROFILE_BIN)/tagar-classify
	for i in 1 2 3 4 5 6 7 8; do cat data/sample.jsonl data/sample-eval.jsonl; done | \
	  $(PROFILE_BIN)/tagar-classify -m models/default.tgm -j 2 --batch > /dev/null
	$(PROFILE_BIN)/tagar-classify -m models/default.tgm data/sample-article.txt > /dev/null
	$(PROFILE_BIN)/tagar-train -q -o $(PROFILE_BIN)/sample.tgm data/sample.jsonl
	find build/release -name '*.o' -delete
	rm -rf build/release/libtagar.a $(PROFILE_BIN)
	touch $@

# Installs the Debian packages tagar builds against (as root, or via sudo).
deps:
	@sh deps.sh

# a race report ends the process, so the suite sees it as a failure
check: export TSAN_OPTIONS = halt_on_error=1
check: all $(TESTS)
	@tests/run $(BUILD) $(OUT)

test: check

# The default model, from the shared government-news corpus and the
# project's vocabulary of its tags.
SHARED ?= ../shared
model: bin/tagar-train
	bin/tagar-train -q --vocab data/govtags-vocab.txt -o models/default.tgm $(SHARED)/data/govtags/train.jsonl

install:
	$(MAKE) SANITIZE= bin/tagar-train bin/tagar-classify
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 bin/tagar-train bin/tagar-classify $(DESTDIR)$(BINDIR)
	install -m 644 models/default.tgm $(DESTDIR)$(DATADIR)/default.tgm
	install -m 644 data/boilerplate.txt $(DESTDIR)$(DATADIR)/boilerplate.txt
	install -m 644 man/tagar-train.1 man/tagar-classify.1 $(DESTDIR)$(MANDIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tagar-train $(DESTDIR)$(BINDIR)/tagar-classify \
	  $(DESTDIR)$(DATADIR)/default.tgm $(DESTDIR)$(DATADIR)/boilerplate.txt $(DESTDIR)$(MANDIR)/tagar-train.1 $(DESTDIR)$(MANDIR)/tagar-classify.1

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
#                        fuzz-vocab, fuzz-skos)
# fuzz_jsonline is differential: it aborts when the JSONL fast path
# (lib/jsonline.c) and the cJSON path read a line differently.
# Harnesses run one after another; make -j2 fuzz runs two at a time.
# Seeds are tests/fuzz/seeds/NAME/; the growing corpus is build/fuzz/corpus/NAME/
# and crash inputs go to build/fuzz/artifacts/NAME/.  A crash, leak or
# timeout fails the target.  Debian: apt-get install clang libclang-rt-14-dev
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_FLAGS ?= -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_RUNFLAGS ?= -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_BUILD = build/fuzz
FUZZERS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(FUZZ_BUILD)/lib/%.o)

.PHONY: fuzz fuzz-smoke fuzz-build $(FUZZERS:fuzz_%=fuzz-%)

$(FUZZ_BUILD)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) $(FUZZ_FLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(HDRS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) $(FUZZ_FLAGS) $< $(FUZZ_LIB_OBJ) $(LDLIBS) -o $@

fuzz-build: $(FUZZERS:%=$(FUZZ_BUILD)/%)

# Runs one harness; prints "NAME: N runs in S s" from libFuzzer's
# "Done N runs in S second(s)", or the crash report and fails.
$(FUZZERS:fuzz_%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_%
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
# memcheck: fails on any memory error or definite/indirect leak.  memcheck
# follows fork() (--trace-children=no only stops it at exec), so the worker
# processes tagar-train forks for -j 2 are checked as well; -j 1 trains in
# the one process.
VALGRIND ?= valgrind
VG = TAGAR_NO_JIT=1 $(VALGRIND) -q --leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --trace-children=no
VG_OUT = build/valgrind

.PHONY: valgrind

valgrind:
	@$(MAKE) --no-print-directory SANITIZE= all build/release/tests/unit
	@mkdir -p $(VG_OUT)
	$(VG) build/release/tests/unit > $(VG_OUT)/unit.log 2>&1 || { cat $(VG_OUT)/unit.log; exit 1; }
	$(VG) bin/tagar-train -q -j 1 -o $(VG_OUT)/sample.tgm data/sample.jsonl
	$(VG) bin/tagar-train -q -j 2 --cv 3 -n 2 --stem indonesian -o $(VG_OUT)/bigram.tgm data/sample.jsonl > /dev/null
	$(VG) bin/tagar-train -q -j 1 -s libsvm -k rbf -o $(VG_OUT)/rbf.tgm data/sample.ft
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm data/sample-article.txt > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/bigram.tgm --json -a --explain=3 data/sample-article.txt > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm -j 2 -b data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/rbf.tgm -j 1 -a data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm --eval data/sample-eval.jsonl > /dev/null
	$(VG) bin/tagar-classify -m $(VG_OUT)/sample.tgm --info > /dev/null
	head -c 3000 $(VG_OUT)/sample.tgm > $(VG_OUT)/truncated.tgm
	$(VG) bin/tagar-classify -m $(VG_OUT)/truncated.tgm data/sample-article.txt 2> /dev/null; \
	  rc=$$?; [ $$rc -eq 3 ] || { echo "corrupt model: exit $$rc, want 3"; exit 1; }
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
	@for p in tagar-train tagar-classify; do \
	  cp bin/$$p $(VG_BIN)/real/$$p; \
	  printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(VG_WRAP)' '$(CURDIR)/$(VG_BIN)/real/'$$p > $(VG_BIN)/$$p; \
	  chmod +x $(VG_BIN)/$$p; \
	done
	@rc=0; for s in cli feeds stream; do \
	  echo "== tests/$$s.sh $(VG_BIN)"; \
	  sh tests/$$s.sh $(VG_BIN) || rc=1; \
	done; \
	bad=$$(find $(VG_LOGS) -type f -size +0c | sort); \
	for f in $$bad; do echo "--- $$f"; cat $$f; done; \
	echo "valgrind-suite: $$(ls $(VG_LOGS) | wc -l) processes, $$(echo $$bad | wc -w) with memcheck reports"; \
	if [ $$rc -eq 0 ] && [ -z "$$bad" ]; then echo "valgrind-suite: clean"; \
	else echo "valgrind-suite: FAILED"; exit 1; fi
