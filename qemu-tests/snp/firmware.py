"""The simulated AMD secure processor: builds and signs reports for one guest run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Tuple

from snp import certtable
from snp.certs import CaChain, Vcek
from snp.report import POLICY_RESERVED_MUST_BE_ONE, Report, sign
from snp.tcb import Tcb

# SNP firmware status codes (SEV ABI; reference/snp.md 3.2).
STATUS_SUCCESS = 0x00
STATUS_INVALID_PARAM = 0x16

REPORT_VERSION = 3
DEFAULT_POLICY = 0x30000  # QEMU's default: SMT allowed, bit 17 (must be one)
DEFAULT_TCB = Tcb(bootloader=10, tee=0, snp=23, microcode=25)
DEFAULT_PLATFORM_INFO = 0x25  # SMT_EN, ECC_EN, ALIAS_CHECK_COMPLETE, as a Genoa host
DEFAULT_FIRMWARE_VERSION = (1, 55, 40)  # major, minor, build


class FirmwareError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class GuestLaunch:
    """What the platform recorded when the guest was launched."""

    measurement: bytes
    policy: int = DEFAULT_POLICY
    host_data: bytes = bytes(32)
    tcb: Tcb = DEFAULT_TCB
    platform_info: int = DEFAULT_PLATFORM_INFO
    firmware_version: Tuple[int, int, int] = DEFAULT_FIRMWARE_VERSION
    report_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def __post_init__(self) -> None:
        if len(self.measurement) != 48:
            raise ValueError(f"measurement is {len(self.measurement)} bytes, expected 48")
        if len(self.host_data) != 32:
            raise ValueError(f"host_data is {len(self.host_data)} bytes, expected 32")
        if not self.policy & POLICY_RESERVED_MUST_BE_ONE or self.policy >> 26:
            raise ValueError(f"guest policy 0x{self.policy:x} needs bit 17 set and bits 63:26 clear")


class SecureProcessor:
    def __init__(self, chain: CaChain, vcek: Vcek, launch: GuestLaunch) -> None:
        if vcek.tcb != launch.tcb:
            raise ValueError(f"VCEK TCB {vcek.tcb} differs from the platform TCB {launch.tcb}")
        self.chain = chain
        self.vcek = vcek
        self.launch = launch
        self._cert_table = certtable.build([("VCEK", vcek.der), ("ASK", chain.ask_der),
                                            ("ARK", chain.ark_der)])

    def report(self, report_data: bytes, vmpl: int) -> Report:
        if len(report_data) != 64:
            raise FirmwareError(STATUS_INVALID_PARAM, f"report_data is {len(report_data)} bytes")
        if not 0 <= vmpl <= 3:
            raise FirmwareError(STATUS_INVALID_PARAM, f"vmpl {vmpl} is not 0..3")
        launch = self.launch
        product = self.chain.product
        tcb = launch.tcb.encode()
        major, minor, build = launch.firmware_version
        unsigned = Report(
            version=REPORT_VERSION, guest_svn=0, policy=launch.policy, vmpl=vmpl,
            current_tcb=tcb, platform_info=launch.platform_info, signer_info=0,
            report_data=report_data, measurement=launch.measurement, host_data=launch.host_data,
            report_id=launch.report_id, report_id_ma=b"\xff" * 32, reported_tcb=tcb,
            cpuid_fam_id=product.cpuid_fam_id, cpuid_mod_id=product.cpuid_mod_id,
            cpuid_step=product.cpuid_step, chip_id=self.vcek.chip_id, committed_tcb=tcb,
            current_major=major, current_minor=minor, current_build=build,
            committed_major=major, committed_minor=minor, committed_build=build, launch_tcb=tcb)
        return sign(unsigned, self.vcek.key)

    def cert_table(self) -> bytes:
        """VCEK, ASK, ARK in the auxblob format."""
        return self._cert_table
