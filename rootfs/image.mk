# The image pipeline (rootfs/build-image), included by the top Makefile.
#
#   make image [NAME=demo] [FLAVOUR=production|debug] [KERNEL=bzImage] [BROKER_CA=ca.pem]
#              [BUNDLE=dir | OCI_LAYOUT=dir[:ref] | DOCKER_ARCHIVE=tar[:ref] | EXAMPLE_HOLD=1]
#              [BROKER_URL=https://host:port] [SIM=1|0] [OVMF=file] [VCPUS=1,2] [VCPU_TYPES=EPYC-Milan,EPYC-v4]
#              [POLICY=0x30000] [DATA_SIZE=1G] [SECRETS="tag=file ..."] [KBS_REPO=buckypaper]
#              [CMDLINE="console=ttyS0 panic=-1"] [NETWORK=static:10.0.2.15/24,10.0.2.2|kernel|none] [EROFS_COMPRESS=none|lz4|lz4hc] [OUT=out]
#   make broker-ca      the QEMU demo broker's TLS directory (start the test broker with
#                       --tls-dir $(BROKER_TLS_DIR)); its ca.pem is the default BROKER_CA
#
# The defaults build the QEMU demo image: the example workload, the test broker
# at 10.0.2.100 with its CA, the sim provider allowed. Images for SNP hardware
# need SIM=0, their broker's URL and CA, and OVMF=the AmdSev firmware QEMU gets.
# SOURCE_DATE_EPOCH defaults to the time of the last commit.

FLAVOUR ?= production
NAME ?= demo$(if $(filter-out production,$(FLAVOUR)),-$(FLAVOUR))
OUT ?= out
# The output of `make kernel` (kernel-config/kernel.mk), unless KERNEL is given.
IMAGE_KERNEL_DEP := $(if $(filter undefined,$(origin KERNEL)),$(if $(wildcard kernel-config/kernel.mk),kernel))
KERNEL ?= $(BUILD)/kernel$(if $(filter-out production,$(FLAVOUR)),/$(FLAVOUR))/bzImage
BROKER_TLS_DIR ?= $(BUILD)/broker-tls
BROKER_CA ?= $(BROKER_TLS_DIR)/ca.pem
SIM ?= 1
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

IMAGE_ARGS := --name $(NAME) --out $(OUT) --flavour $(FLAVOUR) --kernel $(KERNEL) --broker-ca $(BROKER_CA) \
  --bin-dir $(BUILD)/bin $(if $(filter 0,$(SIM)),--no-sim,--allow-sim) \
  $(if $(BUNDLE),--bundle $(BUNDLE)) $(if $(OCI_LAYOUT),--oci-layout $(OCI_LAYOUT)) \
  $(if $(DOCKER_ARCHIVE),--docker-archive $(DOCKER_ARCHIVE)) $(if $(EXAMPLE_HOLD),--example-hold) \
  $(if $(BROKER_URL),--broker-url $(BROKER_URL)) $(if $(OVMF),--ovmf $(OVMF)) \
  $(if $(VCPUS),--vcpus $(VCPUS)) $(if $(VCPU_TYPES),--vcpu-types $(VCPU_TYPES)) \
  $(if $(POLICY),--policy $(POLICY)) $(if $(DATA_SIZE),--data-size $(DATA_SIZE)) \
  $(foreach s,$(SECRETS),--secret $(s)) $(if $(KBS_REPO),--kbs-repo $(KBS_REPO)) \
  $(if $(EROFS_COMPRESS),--erofs-compress $(EROFS_COMPRESS)) $(if $(NETWORK),--network $(NETWORK))

.PHONY: image broker-ca
image: all $(IMAGE_KERNEL_DEP) $(if $(filter $(BROKER_TLS_DIR)/ca.pem,$(BROKER_CA)),broker-ca)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) rootfs/build-image $(IMAGE_ARGS) \
	  $(if $(CMDLINE),--cmdline "$(CMDLINE)")

# The test broker's TLS identity, made once and reused (qemu-tests/broker/tls.py).
broker-ca: $(BROKER_TLS_DIR)/ca.pem
$(BROKER_TLS_DIR)/ca.pem: | $(BUILD)/deps.stamp
	@mkdir -p $(BROKER_TLS_DIR)
	cd qemu-tests && $(PYTHON) -c 'import sys; from pathlib import Path; from broker import tls; \
	  tls.ensure_tls_files(Path(sys.argv[1]), tls.DEFAULT_SANS)' $(abspath $(BROKER_TLS_DIR))
