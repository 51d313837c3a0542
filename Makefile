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
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -I/usr/include/libsvm \
	-DTAGAR_DATADIR='"$(DATADIR)"'
LDLIBS = -lsvm -llinear -lutf8proc -lstemmer -lcjson -lz -lm

# make check SANITIZE=1: AddressSanitizer + UndefinedBehaviorSanitizer
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD = build/asan
OUT = $(BUILD)/bin
else
BUILD = build/release
OUT = bin
endif

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
HDRS = $(wildcard lib/*.h)
PROGS = $(OUT)/tagar-train $(OUT)/tagar-classify
TESTS = $(BUILD)/tests/unit

DEB_PACKAGES = libsvm-dev liblinear-dev libutf8proc-dev libstemmer-dev libcjson-dev libxxhash-dev zlib1g-dev \
	pkg-config

.SECONDARY:
.PHONY: all deps check test model install uninstall clean bench

all: $(PROGS)

$(BUILD)/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtagar.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/%/main.o: %/main.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OUT)/tagar-%: $(BUILD)/%/main.o $(BUILD)/libtagar.a
	@mkdir -p $(OUT)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%.o: tests/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/unit: $(BUILD)/tests/unit.o $(BUILD)/libtagar.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Installs the Debian packages tagar builds against (as root, or via sudo).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; \
	else echo "all build dependencies are installed"; fi

check: all $(TESTS)
	@tests/run $(BUILD) $(OUT)

test: check

# The default model, from the shared government-news corpus.
SHARED ?= ../shared
model: bin/tagar-train
	bin/tagar-train -q -o models/default.tgm $(SHARED)/data/govtags/train.jsonl

install: bin/tagar-train bin/tagar-classify
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 bin/tagar-train bin/tagar-classify $(DESTDIR)$(BINDIR)
	install -m 644 models/default.tgm $(DESTDIR)$(DATADIR)/default.tgm
	install -m 644 man/tagar-train.1 man/tagar-classify.1 $(DESTDIR)$(MANDIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tagar-train $(DESTDIR)$(BINDIR)/tagar-classify \
	  $(DESTDIR)$(DATADIR)/default.tgm $(DESTDIR)$(MANDIR)/tagar-train.1 $(DESTDIR)$(MANDIR)/tagar-classify.1

bench: all
	/usr/bin/python3 bench/bench.py

clean:
	rm -rf build bin
