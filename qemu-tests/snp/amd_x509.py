"""Object identifiers and name layout of AMD's SEV certificates (reference/snp.md 2.1, 2.2)."""

from __future__ import annotations

from typing import Tuple

from snp import der

RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
MGF1 = "1.2.840.113549.1.1.8"
RSASSA_PSS = "1.2.840.113549.1.1.10"
SHA384 = "2.16.840.1.101.3.4.2.2"
PSS_SALT_LENGTH = 48

SUBJECT_KEY_IDENTIFIER = "2.5.29.14"
KEY_USAGE = "2.5.29.15"
BASIC_CONSTRAINTS = "2.5.29.19"
CRL_DISTRIBUTION_POINTS = "2.5.29.31"
AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"

_AMD = "1.3.6.1.4.1.3704.1"
STRUCT_VERSION = _AMD + ".1"
PRODUCT_NAME = _AMD + ".2"
BL_SPL = _AMD + ".3.1"
TEE_SPL = _AMD + ".3.2"
SNP_SPL = _AMD + ".3.3"
SPL_4 = _AMD + ".3.4"
SPL_5 = _AMD + ".3.5"
SPL_6 = _AMD + ".3.6"
SPL_7 = _AMD + ".3.7"
UCODE_SPL = _AMD + ".3.8"
FMC_SPL = _AMD + ".3.9"
HW_ID = _AMD + ".4"
CSP_ID = _AMD + ".5"

# TCB component -> extension, as the verifier compares them with REPORTED_TCB.
SPL_EXTENSIONS = {"bootloader": BL_SPL, "tee": TEE_SPL, "snp": SNP_SPL, "microcode": UCODE_SPL,
                  "fmc": FMC_SPL}

# AMD's attribute order and string types: OU, C (PrintableString), L, ST, O, CN.
_NAME_PREFIX: Tuple[Tuple[str, str], ...] = (
    ("2.5.4.11", "Engineering"), ("2.5.4.6", "US"), ("2.5.4.7", "Santa Clara"),
    ("2.5.4.8", "CA"), ("2.5.4.10", "Advanced Micro Devices"),
)
_COMMON_NAME = "2.5.4.3"
_COUNTRY = "2.5.4.6"


def amd_name(common_name: str) -> bytes:
    rdns = []
    for attr, value in _NAME_PREFIX + ((_COMMON_NAME, common_name),):
        text = der.printable_string(value) if attr == _COUNTRY else der.utf8_string(value)
        rdns.append(der.set_of(der.sequence(der.oid(attr), text)))
    return der.sequence(*rdns)


def pss_algorithm(explicit_trailer: bool) -> bytes:
    """RSASSA-PSS SHA-384, MGF1-SHA-384, salt 48. AMD's ARK/ASK spell out trailerField 1,
    its VCEKs leave it at the default."""
    sha384 = der.sequence(der.oid(SHA384), der.null())
    params = [der.explicit(0, sha384),
              der.explicit(1, der.sequence(der.oid(MGF1), sha384)),
              der.explicit(2, der.integer(PSS_SALT_LENGTH))]
    if explicit_trailer:
        params.append(der.explicit(3, der.integer(1)))
    return der.sequence(der.oid(RSASSA_PSS), der.sequence(*params))
