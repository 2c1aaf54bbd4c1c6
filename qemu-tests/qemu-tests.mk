# qemu-tests, Python side: the host-side SNP simulator and the test key broker, unit-tested.
# Included from the top Makefile; run with `make qemu-py-test` (part of `make check`).

QEMU_PY_TESTS := qemu-tests/tests
# The launch-digest vector test runs once bp-measure is one of the built programs.
QEMU_PY_BP_MEASURE := $(if $(filter bp-measure,$(PROGRAMS)),$(BUILD)/bin/bp-measure)

.PHONY: qemu-py-test
qemu-py-test: $(BUILD)/deps.stamp $(QEMU_PY_BP_MEASURE)
	BP_MEASURE=$(CURDIR)/$(BUILD)/bin/bp-measure PYTHONDONTWRITEBYTECODE=1 \
	  $(PYTHON) -m pytest $(QEMU_PY_TESTS) -q -rs
