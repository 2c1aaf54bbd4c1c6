# qemu-tests, Python side: the host-side SNP simulator and the test key broker, unit-tested.
# Included from the top Makefile; run with `make qemu-py-test` (part of `make check`).

QEMU_PY_TESTS := qemu-tests/tests
# The launch-digest vector test runs once bp-measure is one of the built programs.
QEMU_PY_BP_MEASURE := $(if $(filter bp-measure,$(PROGRAMS)),$(BUILD)/bin/bp-measure)

.PHONY: qemu-py-test
qemu-py-test: $(BUILD)/deps.stamp $(QEMU_PY_BP_MEASURE)
	BP_MEASURE=$(CURDIR)/$(BUILD)/bin/bp-measure PYTHONDONTWRITEBYTECODE=1 \
	  $(PYTHON) -m pytest $(QEMU_PY_TESTS) -q -rs

# The boot scenarios (qemu-tests/scenarios/): real boots of three images under QEMU (TCG)
# against the simulator and the test broker. `make qemu-test` (part of `make check`);
# QEMU_TEST_ARGS passes options to pytest (e.g. QEMU_TEST_ARGS="-k power_loss").
QEMU_TEST_DIR := $(BUILD)/qemu-test
QEMU_TEST_IMAGES := $(QEMU_TEST_DIR)/images
QEMU_TEST_ENV = BP_QEMU_IMAGES=$(abspath $(QEMU_TEST_IMAGES)) BP_QEMU_RUNS=$(abspath $(QEMU_TEST_DIR)/runs) \
  BP_MEASURE=$(abspath $(BUILD)/bin/bp-measure) BP_BROKER_TLS=$(abspath $(BROKER_TLS_DIR)) PYTHONDONTWRITEBYTECODE=1

.PHONY: qemu-test qemu-test-images demo
qemu-test-images: all
	$(MAKE) --no-print-directory image NAME=demo OUT=$(QEMU_TEST_IMAGES)
	$(MAKE) --no-print-directory image NAME=hold EXAMPLE_HOLD=1 OUT=$(QEMU_TEST_IMAGES)
	$(MAKE) --no-print-directory image NAME=debug FLAVOUR=debug EXAMPLE_HOLD=1 OUT=$(QEMU_TEST_IMAGES)

qemu-test: qemu-test-images
	$(QEMU_TEST_ENV) $(PYTHON) -m pytest qemu-tests/scenarios -v -rs $(QEMU_TEST_ARGS)

# Build everything and boot the example image once, showing what happens.
demo: image
	$(QEMU_TEST_ENV) $(PYTHON) qemu-tests/demo.py --image $(OUT)/$(NAME) --workdir $(BUILD)/demo
