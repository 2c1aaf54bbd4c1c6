# libFuzzer targets (tests/fuzz/README.md). Included from the top Makefile.
#
# A target is tests/fuzz/fuzz_<name>.cc (defining LLVMFuzzerTestOneInput) with
# its seed corpus in tests/fuzz/corpus/<name>/; both are found by wildcard.
# Everything is built with clang-14 (libFuzzer is clang's) from the same
# library and program sources as the unit tests, with ASan and UBSan.
#
#   make fuzz FUZZ_SECONDS=N   each target for N seconds (default 60), exec/s per target
#   make fuzz-check            each target for FUZZ_CHECK_SECONDS (3) on its corpus (in make check)
#   make fuzz-bins             only build them

FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 3
# Targets run at once: make fuzz one at a time so exec/s are comparable,
# make fuzz-check on both cores.
FUZZ_JOBS ?= 1
FUZZ_CHECK_JOBS ?= 2
# Only these targets, e.g. FUZZ_TARGETS="json x509_der".
FUZZ_TARGETS ?=

FUZZ_CXX := clang++-14
FUZZ_SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all
# The library gets coverage instrumentation only (fuzzer-no-link); the
# fuzzer runtime and its main() come in when a target is linked.
FUZZ_CXXFLAGS := $(COMMON_CXXFLAGS) -O1 -g $(FUZZ_SANITIZERS) -fsanitize=fuzzer-no-link \
                 -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS
FUZZ_LDLIBS := -lmbedtls -lmbedx509 -lmbedcrypto -lseccomp -lzstd -ljansson

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.cc))
FUZZ_ALL_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.cc=%)
FUZZ_NAMES := $(if $(FUZZ_TARGETS),$(filter $(FUZZ_TARGETS),$(FUZZ_ALL_NAMES)),$(FUZZ_ALL_NAMES))
FUZZ_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/bin/fuzz_%)
# Formatted and linted like every other source.
FORMAT_FILES += $(FUZZ_SRCS) $(wildcard tests/fuzz/*.h)
ALL_SRCS += $(FUZZ_SRCS)

$(BUILD)/fuzz/%.o: %.cc $(BUILD)/deps.stamp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c $< -o $@

$(BUILD)/fuzz/libbp.a: $(patsubst %.cc,$(BUILD)/fuzz/%.o,$(LIB_SRCS) $(PROGRAM_SRCS))
	@rm -f $@
	ar rcsD $@ $^

$(BUILD)/fuzz/bin/fuzz_%: $(BUILD)/fuzz/tests/fuzz/fuzz_%.o $(BUILD)/fuzz/libbp.a
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) -fsanitize=fuzzer $(FUZZ_SANITIZERS) -o $@ $< $(BUILD)/fuzz/libbp.a $(FUZZ_LDLIBS)

.PHONY: fuzz fuzz-check fuzz-bins
fuzz-bins: $(FUZZ_BINS)

# New inputs go to $(BUILD)/fuzz/corpus/<name>/ (kept between runs), crashes
# to $(BUILD)/fuzz/artifacts/<name>/; the checked-in corpus is only read.
fuzz: $(FUZZ_BINS)
	BUILD=$(BUILD) tests/fuzz/run-fuzz --jobs $(FUZZ_JOBS) --seconds $(FUZZ_SECONDS) $(FUZZ_BINS)

fuzz-check: $(FUZZ_BINS)
	BUILD=$(BUILD) tests/fuzz/run-fuzz --check --jobs $(FUZZ_CHECK_JOBS) --seconds $(FUZZ_CHECK_SECONDS) $(FUZZ_BINS)
