# kpatch: live patching for Linux distribution kernels.
#
#   make              build every program into build/bin
#   make check-unit   hermetic unit tests (fast)
#   make check-san    the unit tests again under ASan+UBSan
#   make check-bad-inputs  the bad-input catalogue (tests/bad-inputs),
#                     check-bad-inputs-san the same under ASan+UBSan
#   make check-fuzz   a few seconds of each fuzz target (tests/fuzz)
#   make check-packages  packaging tests on dpkg, apt, rpm (tests/packages)
#   make check-vm     tests against the real Debian kernel in QEMU
#   make check        all of the above (installs what it needs first)
#   make demo         build a live patch and apply it to the test kernel
#   make deb          the project's own .debs (kpatch, kpatch-build) from
#                     debian/ into build/packages/deb (dpkg-buildpackage)
#   make rpm          the same as .rpms from rpm/kpatch.spec into
#                     build/packages/rpm (rpmbuild)
#
# Each component adds itself through src/<component>/build.mk and
# tests/unit/<component>.mk; this file holds only the common rules.

CC      ?= gcc
BUILD   ?= build
PKGS    := libelf libkmod json-c
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -D_GNU_SOURCE -DKPATCH_VERSION=\"$(VERSION)\" \
           -Isrc -Isrc/include $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS))
TEST_LDLIBS := $(shell pkg-config --libs cmocka)

ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# The fuzz targets' build (tests/fuzz/fuzz.mk): everything compiled by clang
# with coverage for libFuzzer and ASan+UBSan; only the targets link libFuzzer.
# FUZZ_CFLAGS adds flags, e.g. -fno-sanitize=CHECK in a scratch BUILD to
# fuzz past a finding that is still open.
ifeq ($(FUZZ),1)
CC      := clang
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined $(FUZZ_CFLAGS)
endif

PREFIX  ?= /usr/local
DESTDIR ?=

# Filled in by the fragments.
INSTALL_TARGETS :=
PROGRAMS   :=
UNIT_TESTS :=
LIBS       :=

# $(call objs_of,DIR) -> object files for every .c in DIR
objs_of = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c))

all: programs

include $(sort $(wildcard src/*/build.mk))
include $(sort $(wildcard tests/unit/*.mk))
include $(sort $(wildcard tests/fuzz/*.mk))

programs: $(PROGRAMS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/lib/%.a:
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

# Every program and test may use libkpcommon: it is linked last, after the
# libraries that need it.
COMMON_LIB := $(BUILD)/lib/libkpcommon.a

$(BUILD)/bin/%: $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(COMMON_LIB) $(LDLIBS)

$(BUILD)/test/%: $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(COMMON_LIB) $(LDLIBS) $(TEST_LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

setup:
	scripts/setup

unit-tests: $(UNIT_TESTS)

check-unit: unit-tests
	tests/run-unit $(UNIT_TESTS)

check-san:
	$(MAKE) BUILD=$(BUILD)/san SAN=1 check-unit

# The bad-input catalogue: every refusal of the three programs, each
# checked to leave the (fake) system unchanged.
check-bad-inputs: programs
	KPT_BIN_DIR=$(abspath $(BUILD))/bin tests/bad-inputs/run

# The same against the ASan+UBSan build: a memory error on a bad input is
# a failed case, and so is memory an error path leaves allocated (the
# leak report adds lines to the one-line message a case expects).
check-bad-inputs-san:
	$(MAKE) BUILD=$(BUILD)/san SAN=1 programs
	ASAN_OPTIONS=detect_leaks=1 KPT_BIN_DIR=$(abspath $(BUILD))/san/bin tests/bad-inputs/run

# Packaging on the real tools (tests/packages): the project's own .deb and
# .rpm, patch packages, scratch-root installs.
check-packages: programs
	KPT_BIN_DIR=$(abspath $(BUILD))/bin tests/packages/run

check-vm: programs
	KPT_BIN_DIR=$(abspath $(BUILD))/bin tests/vm/run-all

check: setup
	$(MAKE) programs
	tests/run-check

demo: setup
	$(MAKE) programs
	KPT_BIN_DIR=$(abspath $(BUILD))/bin examples/demo

install: $(INSTALL_TARGETS)

# The project's own packages, built by Debian's and RPM's tools from a copy
# of the tree (scripts/make-deb, scripts/make-rpm); JOBS sets -j (2).
deb:
	scripts/make-deb $(abspath $(BUILD))/packages/deb

rpm:
	scripts/make-rpm $(abspath $(BUILD))/packages/rpm

clean:
	rm -rf build

.PHONY: all install deb rpm programs setup unit-tests check-unit check-san check-bad-inputs check-bad-inputs-san check-packages check-vm check demo clean
.SECONDARY:
