# Fuzz targets (libFuzzer, clang). `make fuzz` builds them into
# build/fuzz/fuzzer/ over the libraries rebuilt by clang with coverage,
# ASan and UBSan (FUZZ=1, BUILD=build/fuzz), then generates their seed
# corpora into build/fuzz/seeds/ from what the repository compiles.
# `make check-fuzz` runs each target for a few seconds (FUZZ_SECONDS) and
# every reproducer in tests/fuzz/crashes/; bench/fuzz runs them longer.
FUZZ_NAMES   := modfile withdrawn elf patches ksyms
FUZZ_SECONDS ?= 5

ifeq ($(FUZZ),1)
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzzer/fuzz_%,$(FUZZ_NAMES))
$(BUILD)/fuzzer/fuzz_modfile: $(BUILD)/obj/tests/fuzz/fuzz_modfile.o $(BUILD)/lib/libkpatch.a
$(BUILD)/fuzzer/fuzz_withdrawn: $(BUILD)/obj/tests/fuzz/fuzz_withdrawn.o $(BUILD)/lib/libkpatch.a
$(BUILD)/fuzzer/fuzz_elf: $(BUILD)/obj/tests/fuzz/fuzz_elf.o $(BUILD)/lib/libkpdiff.a $(BUILD)/lib/libkpelf.a
$(BUILD)/fuzzer/fuzz_ksyms: $(BUILD)/obj/tests/fuzz/fuzz_ksyms.o $(BUILD)/lib/libkpklp.a $(BUILD)/lib/libkpelf.a
$(BUILD)/fuzzer/fuzz_patches: $(BUILD)/obj/tests/fuzz/fuzz_patches.o $(BUILD)/lib/libkpbuild.a $(BUILD)/lib/libkpklp.a $(BUILD)/lib/libkpelf.a
# (COMMON_LIB is not defined yet where this file is read.)
$(BUILD)/fuzzer/%: $(BUILD)/lib/libkpcommon.a
	@mkdir -p $(dir $@)
	$(CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(BUILD)/lib/libkpcommon.a $(LDLIBS)
fuzz-targets: $(FUZZ_BINS)
endif

fuzz:
	$(MAKE) BUILD=$(BUILD)/fuzz FUZZ=1 fuzz-targets
	tests/fuzz/seeds $(BUILD)/fuzz/seeds

check-fuzz: fuzz
	tests/fuzz/run -d $(BUILD)/fuzz -t $(FUZZ_SECONDS) -r $(FUZZ_NAMES)

.PHONY: fuzz fuzz-targets check-fuzz
