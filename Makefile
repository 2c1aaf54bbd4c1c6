# Buckypaper: every entry point of the project (DESIGN.md section 3).
#
#   make            shipped binaries: static musl executables in build/bin/
#   make check      every test (unit tests under ASan+UBSan, toolchain checks, ...)
#   make bench      benchmarks (bench/*.bench): ours against a reference, one table
#   make kernel     the guest kernel (kernel-config/kernel.mk; kernel-check, kernel-test)
#   make deps       install the Debian packages the project needs
#   make format     clang-format every source file;  make lint: format check + clang-tidy
#   make image      a podCVM image in out/NAME/ (rootfs/image.mk)
#   make clean

BUILD ?= build
PYTHON := /usr/bin/python3
SHELL := /bin/bash

# ---- sources -------------------------------------------------------------

# Shipped programs as name:directory; a program exists once its main.cc does.
PROGRAM_TABLE := bp-measure:measure bp-init:init bp-agent:agent bp-disk:disk bp-mkinitramfs:rootfs/mkinitramfs bp-example:rootfs/example
PROGRAMS := $(foreach p,$(PROGRAM_TABLE),$(if $(wildcard $(word 2,$(subst :, ,$(p)))/main.cc),$(word 1,$(subst :, ,$(p)))))
program_dir = $(word 2,$(subst :, ,$(filter $(1):%,$(PROGRAM_TABLE))))

LIB_SRCS := $(sort $(shell find lib -name '*.cc'))
# A program's own files besides main.cc are also linked into the unit tests.
# (also before the program's main.cc exists).
PROGRAM_DIRS := $(foreach p,$(PROGRAM_TABLE),$(word 2,$(subst :, ,$(p))))
PROGRAM_SRCS := $(sort $(filter-out %/main.cc,$(wildcard $(addsuffix /*.cc,$(PROGRAM_DIRS)))))
UNIT_TEST_SRCS := $(sort $(shell find tests/unit -name 'test_*.cc' 2>/dev/null))
# Each bench/*.cc is one benchmark program, run by a bench/*.bench script.
BENCH_SRCS := $(sort $(wildcard bench/*.cc))
ALL_SRCS := $(LIB_SRCS) $(PROGRAM_SRCS) $(foreach p,$(PROGRAMS),$(call program_dir,$(p))/main.cc) \
            $(UNIT_TEST_SRCS) $(BENCH_SRCS) toolchain/runtime.cc tests/toolchain/link_probe.cc
FORMAT_FILES := $(sort $(ALL_SRCS) $(shell find lib init agent measure disk tests toolchain -path toolchain/include -prune -o -name '*.h' -print 2>/dev/null))

# ---- flags ---------------------------------------------------------------

WARNINGS := -Wall -Wextra -Werror -Wno-missing-field-initializers
COMMON_CXXFLAGS := -std=c++17 -I. $(WARNINGS) -fno-exceptions -fno-rtti -MMD -MP

# Shipped: static musl through the toolchain wrapper (DESIGN.md section 10).
MUSL_CXX := toolchain/musl-g++
MUSL_LINK := toolchain/musl-link
MUSL_CXXFLAGS := $(COMMON_CXXFLAGS) -O2 -ffunction-sections -fdata-sections -fstack-protector-strong \
                 -D_FORTIFY_SOURCE=2 -ffile-prefix-map=$(CURDIR)=.
LIBDIR := /usr/lib/x86_64-linux-gnu
MUSL_LIBS := $(LIBDIR)/libmbedtls.a $(LIBDIR)/libmbedx509.a $(LIBDIR)/libmbedcrypto.a \
             $(LIBDIR)/libseccomp.a $(LIBDIR)/libzstd.a $(LIBDIR)/libjansson.a

# Tests: the same sources against glibc with AddressSanitizer and UBSan.
TEST_CXX := g++
SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all
TEST_CXXFLAGS := $(COMMON_CXXFLAGS) -O1 -g $(SANITIZERS) -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS
TEST_LDLIBS := -lcmocka -lmbedtls -lmbedx509 -lmbedcrypto -lseccomp -lzstd -ljansson

# ---- shipped binaries ----------------------------------------------------

.PHONY: all
all: $(addprefix $(BUILD)/bin/,$(PROGRAMS))

$(BUILD)/musl/%.o: %.cc $(BUILD)/deps.stamp
	@mkdir -p $(dir $@)
	$(MUSL_CXX) $(MUSL_CXXFLAGS) -c $< -o $@

$(BUILD)/musl/toolchain/fortify_shim.o: toolchain/fortify_shim.c $(BUILD)/deps.stamp
	@mkdir -p $(dir $@)
	musl-gcc -O2 -Wall -Wextra -Werror -c $< -o $@

TOOLCHAIN_OBJS := $(BUILD)/musl/toolchain/runtime.o $(BUILD)/musl/toolchain/fortify_shim.o

$(BUILD)/musl/libbp.a: $(LIB_SRCS:%.cc=$(BUILD)/musl/%.o)
	@rm -f $@
	ar rcsD $@ $^

# Links, records the link map (the static check reads which libc.a was used),
# and refuses a binary that is dynamic or references glibc.
define musl_program
$(BUILD)/bin/$(1): $(patsubst %.cc,$(BUILD)/musl/%.o,$(wildcard $(call program_dir,$(1))/*.cc)) \
                   $(BUILD)/musl/libbp.a $(TOOLCHAIN_OBJS)
	@mkdir -p $$(dir $$@)
	BP_TOOLCHAIN_OBJ=$(BUILD)/musl/toolchain $(MUSL_LINK) -o $$@ -Wl,-Map=$$@.map \
	  $$(filter-out $(TOOLCHAIN_OBJS),$$(filter %.o,$$^)) $(BUILD)/musl/libbp.a $(MUSL_LIBS)
	toolchain/check-static $$@
endef
$(foreach p,$(PROGRAMS),$(eval $(call musl_program,$(p))))

# Not shipped: a musl program that uses every library, to prove the toolchain.
$(BUILD)/musl/link_probe: $(BUILD)/musl/tests/toolchain/link_probe.o $(BUILD)/musl/libbp.a $(TOOLCHAIN_OBJS)
	BP_TOOLCHAIN_OBJ=$(BUILD)/musl/toolchain $(MUSL_LINK) -o $@ -Wl,-Map=$@.map \
	  $(filter-out $(TOOLCHAIN_OBJS),$(filter %.o,$^)) $(BUILD)/musl/libbp.a $(MUSL_LIBS)
	toolchain/check-static $@

# ---- unit tests ----------------------------------------------------------

$(BUILD)/test/%.o: %.cc $(BUILD)/deps.stamp
	@mkdir -p $(dir $@)
	$(TEST_CXX) $(TEST_CXXFLAGS) -c $< -o $@

$(BUILD)/test/libbp.a: $(patsubst %.cc,$(BUILD)/test/%.o,$(LIB_SRCS) $(PROGRAM_SRCS))
	@rm -f $@
	ar rcsD $@ $^

UNIT_TESTS := $(UNIT_TEST_SRCS:%.cc=$(BUILD)/test/%)
$(BUILD)/test/tests/unit/%: $(BUILD)/test/tests/unit/%.o $(BUILD)/test/libbp.a
	$(TEST_CXX) $(SANITIZERS) -o $@ $< $(BUILD)/test/libbp.a $(TEST_LDLIBS)

# ---- benchmark programs --------------------------------------------------

# Built like shipped binaries (static musl, -O2), so they measure what ships.
BENCHES := $(BENCH_SRCS:bench/%.cc=$(BUILD)/bench/%)
$(BUILD)/bench/%: $(BUILD)/musl/bench/%.o $(BUILD)/musl/libbp.a $(TOOLCHAIN_OBJS)
	@mkdir -p $(dir $@)
	BP_TOOLCHAIN_OBJ=$(BUILD)/musl/toolchain $(MUSL_LINK) -o $@ \
	  $(filter-out $(TOOLCHAIN_OBJS),$(filter %.o,$^)) $(BUILD)/musl/libbp.a $(MUSL_LIBS)

# ---- checks --------------------------------------------------------------

.PHONY: check unit-test toolchain-test cli-test format-check
check: format-check toolchain-test unit-test cli-test qemu-py-test kernel-check kernel-test fuzz-check qemu-test
	@echo "make check: all tests passed"

unit-test: $(UNIT_TESTS)
	tests/run-unit-tests $(UNIT_TESTS)

toolchain-test: $(BUILD)/musl/link_probe all
	tests/toolchain/test-toolchain $(BUILD)/musl/link_probe $(addprefix $(BUILD)/bin/,$(PROGRAMS))

# Command-line tests of the shipped programs (tests/cli/test-*.sh).
cli-test: all $(BENCHES)
	@status=0; for t in tests/cli/test-*.sh; do BUILD=$(BUILD) $$t || status=1; done; exit $$status

format-check: $(BUILD)/deps.stamp
	clang-format-14 --dry-run -Werror $(FORMAT_FILES)

include qemu-tests/qemu-tests.mk
include kernel-config/kernel.mk
include rootfs/image.mk
include tests/fuzz/fuzz.mk

# ---- housekeeping --------------------------------------------------------

.PHONY: bench
# Benchmarks (never part of make check): one table, ours against the reference
# measured in the same run.
bench: all $(BENCHES)
	BUILD=$(BUILD) bench/run-all

.PHONY: deps format lint clean
DEPS_LISTS := $(wildcard toolchain/debian-packages.txt */debian-packages.txt)
deps:
	toolchain/deps.sh $(DEPS_LISTS)

# Every build needs the packages: install whatever is missing, once per change
# of the package lists.
$(BUILD)/deps.stamp: $(DEPS_LISTS)
	toolchain/deps.sh $(DEPS_LISTS)
	@mkdir -p $(dir $@) && touch $@

format: $(BUILD)/deps.stamp
	clang-format-14 -i $(FORMAT_FILES)

LINT_FLAGS := $(filter-out -MMD -MP -fsanitize% -fno-sanitize%,$(TEST_CXXFLAGS))
lint: format-check
	clang-tidy-14 --quiet $(filter-out toolchain/%,$(filter %.cc,$(ALL_SRCS))) -- $(LINT_FLAGS) -x c++

clean:
	rm -rf $(BUILD)

# Keep object files that make considers intermediate (test objects), so
# nothing is rebuilt needlessly.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
