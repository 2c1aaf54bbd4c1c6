# Guest kernel targets (kernel-config/README.md). Included by the top Makefile.
#
#   make kernel [FLAVOUR=debug]   build (or fetch from the cache) the bzImage
#   make kernel-check             the final .config against the fragments + SNP rules,
#                                 and the checker's own tests
#   make kernel-test              boot it under QEMU (TCG) to the test /init and power-off

FLAVOUR ?= production
KERNEL_OUT := $(BUILD)/kernel$(if $(filter-out production,$(FLAVOUR)),/$(FLAVOUR))
KERNEL_FRAGMENTS := $(addprefix kernel-config/,base.config snp.config dm.config security.config \
                    $(if $(filter debug,$(FLAVOUR)),debug.config))
KERNEL_TEST_DIR := $(BUILD)/kernel-test

.PHONY: kernel kernel-check kernel-check-unit kernel-test

# Always runs: build.sh decides from its cache key whether anything needs doing.
# '+' hands it make's jobserver, so `make -j2 check` shares the two job slots
# with the kernel build instead of doubling them.
kernel: $(BUILD)/deps.stamp
	+FLAVOUR=$(FLAVOUR) kernel-config/build.sh $(KERNEL_OUT)

kernel-check: kernel kernel-check-unit
	kernel-config/check-config $(KERNEL_OUT)/config $(KERNEL_FRAGMENTS)

kernel-check-unit: $(BUILD)/deps.stamp
	$(PYTHON) -m pytest -q -p no:cacheprovider kernel-config/test/test_check_config.py

$(KERNEL_TEST_DIR)/init: kernel-config/test/init.c $(BUILD)/deps.stamp
	@mkdir -p $(dir $@)
	musl-gcc -static -Os -Wall -Wextra -Werror -idirafter toolchain/include -o $@ $<

$(KERNEL_TEST_DIR)/initrd.cpio.zst: $(KERNEL_TEST_DIR)/init kernel-config/test/make-initrd
	kernel-config/test/make-initrd $< $@

kernel-test: kernel $(KERNEL_TEST_DIR)/initrd.cpio.zst
	kernel-config/test/boot-test $(KERNEL_OUT)/bzImage $(KERNEL_TEST_DIR)/initrd.cpio.zst

FORMAT_FILES += kernel-config/test/init.c
