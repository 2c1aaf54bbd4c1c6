#!/usr/bin/python3
"""Writes the synthetic Turin fixtures in this directory: a test ARK/ASK/ASVK chain with AMD's
names, algorithms and extensions (RSA-2048 to keep the tests fast), a Turin VCEK (structVersion
1, fmcSPL, 8-byte hwID) and a VLEK (csp_id, no hwID), a version 5 report signed by the VCEK, a
version 3 report signed by the VLEK, and a certificate table holding VLEK, ASVK and ARK.

No real Turin report or VLEK-signed report is available, so these exercise the code paths
AMD's data cannot. Private keys are not kept: the fixtures are regenerated as a whole.
Run with PYTHONPATH=qemu-tests from the repository root.
"""

import datetime
import os
import struct
import uuid

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from snp import amd_x509 as amd
from snp import der
from snp.certs import _extension, _key_id, build_certificate
from snp.report import Report, sign
from snp.tcb import Tcb

HERE = os.path.dirname(os.path.abspath(__file__))
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
CA_END = datetime.datetime(2049, 1, 1, tzinfo=datetime.timezone.utc)
VCEK_END = datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc)
VLEK_END = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)  # expired after 2025
TCB = Tcb(fmc=1, bootloader=1, tee=1, snp=4, microcode=82)  # 0x5200000004010101 (snp.md 1.2)
CHIP_ID = bytes.fromhex("1e550a8ee5cf9f4d") + bytes(56)     # Turin uses the first 8 bytes
CSP = "CN=test-csp.invalid"

GUIDS = {"VLEK": "a8074bc2-a25a-483e-aae6-39c045a0b8a1", "ASK": "4ab7b379-bbac-4fe4-a02f-05aef327c782",
         "ARK": "c0b406a4-a803-4952-9743-3fb6014cd0ae"}


def ca(serial, issuer, subject, key, signer, pathlen):
    constraints = der.sequence(der.boolean(True), *([der.integer(0)] if pathlen else []))
    return build_certificate(
        serial=serial, issuer=amd.amd_name(issuer), subject=amd.amd_name(subject),
        public_key=key.public_key(), not_before=START, not_after=CA_END,
        extensions=[_extension(amd.SUBJECT_KEY_IDENTIFIER, der.octet_string(_key_id(key.public_key()))),
                    _extension(amd.BASIC_CONSTRAINTS, constraints, critical=True),
                    _extension(amd.KEY_USAGE, der.tlv(der.BIT_STRING, b"\x01\x06"), critical=True)],
        signer=signer, explicit_trailer=True)


def endorsement_key(kind, signer_name, signer_key, end):
    key = ec.generate_private_key(ec.SECP384R1())
    # Turin VCEKs have no .3.4 (snp.md 2.2); SPLs as INTEGERs, hwID as raw bytes.
    extensions = [
        _extension(amd.STRUCT_VERSION, der.integer(1)),
        _extension(amd.PRODUCT_NAME, der.ia5_string("Turin")),
        _extension(amd.BL_SPL, der.integer(TCB.bootloader)),
        _extension(amd.TEE_SPL, der.integer(TCB.tee)),
        _extension(amd.SNP_SPL, der.integer(TCB.snp)),
        *[_extension(o, der.integer(0)) for o in (amd.SPL_5, amd.SPL_6, amd.SPL_7)],
        _extension(amd.UCODE_SPL, der.integer(TCB.microcode)),
        _extension(amd.FMC_SPL, der.integer(TCB.fmc)),
    ]
    if kind == "VCEK":
        extensions.append(_extension(amd.HW_ID, CHIP_ID[:8]))
    else:
        extensions.append(_extension(amd.CSP_ID, der.ia5_string(CSP)))
    cert = build_certificate(
        serial=0, issuer=amd.amd_name(signer_name), subject=amd.amd_name(f"SEV-{kind}"),
        public_key=key.public_key(), not_before=START, not_after=end, extensions=extensions,
        signer=signer_key, explicit_trailer=False)
    return key, cert


def report(version, signer_info, key):
    tcb = TCB.encode()
    r = Report(version=version, policy=0x30000, current_tcb=tcb, reported_tcb=tcb, committed_tcb=tcb,
               launch_tcb=tcb, platform_info=0x25, signer_info=signer_info,
               report_data=bytes(range(64)), measurement=bytes(range(48)), chip_id=CHIP_ID,
               cpuid_fam_id=0x1A, cpuid_mod_id=0x02, cpuid_step=0x01,
               current_major=1, current_minor=58, current_build=3,
               committed_major=1, committed_minor=58, committed_build=3,
               launch_mit_vector=3 if version >= 5 else 0, current_mit_vector=3 if version >= 5 else 0)
    return sign(r, key).encode()


def cert_table(entries):
    header = b""
    data = b""
    offset = 24 * (len(entries) + 1)
    for name, blob in entries:
        header += uuid.UUID(GUIDS[name]).bytes + struct.pack("<II", offset + len(data), len(blob))
        data += blob
    return header + bytes(24) + data


def pem(der_bytes):
    import base64
    text = base64.encodebytes(der_bytes).decode().replace("\n", "")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n").encode()


def main():
    ark_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ask_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    asvk_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ark = ca(0x30000, "ARK-Turin", "ARK-Turin", ark_key, ark_key, False)
    ask = ca(0x30001, "ARK-Turin", "SEV-Turin", ask_key, ark_key, True)
    asvk = ca(0x30101, "ARK-Turin", "SEV-VLEK-Turin", asvk_key, ark_key, True)
    vcek_key, vcek = endorsement_key("VCEK", "SEV-Turin", ask_key, VCEK_END)
    vlek_key, vlek = endorsement_key("VLEK", "SEV-VLEK-Turin", asvk_key, VLEK_END)
    files = {
        "ark.der": ark, "ask.der": ask, "asvk.der": asvk,
        "ask_ark.pem": pem(ask) + pem(ark),
        "turin-vcek.der": vcek, "turin-vlek.der": vlek,
        "turin-v5-vcek.bin": report(5, 0, vcek_key),
        "turin-v3-vlek.bin": report(3, 1 << 2, vlek_key),
        "turin-vlek-certs.bin": cert_table([("VLEK", vlek), ("ASK", asvk), ("ARK", ark)]),
    }
    for name, blob in files.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
