#!/usr/bin/python3
"""Independent reference computation of the SNP launch digest.

Written from the facts in the project's reference notes (snp.md sections
4.1-4.5), separately from the C++ in lib/snp/, so the tests can check one
against the other. Only the Python standard library is used.

Usable as a module (launch_digest(...)) or from the command line with a
subset of sev-snp-measure's options.
"""

import argparse
import base64
import hashlib
import struct
import sys
import uuid

PAGE = 4096
VMSA_GPA = 0xFFFFFFFFF000
BSP_EIP = 0xFFFFFFF0

PAGE_NORMAL, PAGE_VMSA, PAGE_ZERO, PAGE_UNMEASURED, PAGE_SECRETS, PAGE_CPUID = 1, 2, 3, 4, 5, 6


def le_guid(text):
    return uuid.UUID(text).bytes_le


FOOTER_GUID = le_guid("96b582de-1fb2-45f7-baea-a366c55a082d")
RESET_BLOCK_GUID = le_guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
HASH_TABLE_GUID = le_guid("7255371f-3a3b-4b04-927b-1da6efa8d454")
METADATA_GUID = le_guid("dc886566-984a-4798-a75e-5585a7bf67cc")

SEV_HASH_TABLE_GUID = le_guid("9438d606-4f22-4cc9-b479-a793d411fd21")
CMDLINE_GUID = le_guid("97d02dd8-bd20-4c94-aa78-e7714d36ab2a")
INITRD_GUID = le_guid("44baf731-3a2f-4bd7-9af1-41e29169781d")
KERNEL_GUID = le_guid("4de79437-abd2-427f-b835-d5b172d2045b")


def cpu_sig(family, model, stepping):
    fam_lo, fam_hi = (0xF, (family - 0xF) & 0xFF) if family > 0xF else (family, 0)
    return (fam_hi << 20) | (((model >> 4) & 0xF) << 16) | (fam_lo << 8) | ((model & 0xF) << 4) | (stepping & 0xF)


VCPU_SIGS = {}
for _names, _fms in (
    (["EPYC", "EPYC-v1", "EPYC-v2", "EPYC-IBPB", "EPYC-v3", "EPYC-v4"], (23, 1, 2)),
    (["EPYC-Rome", "EPYC-Rome-v1", "EPYC-Rome-v2", "EPYC-Rome-v3", "EPYC-Rome-v4"], (23, 49, 0)),
    (["EPYC-Milan", "EPYC-Milan-v1", "EPYC-Milan-v2"], (25, 1, 1)),
    (["EPYC-Genoa", "EPYC-Genoa-v1"], (25, 17, 0)),
    (["EPYC-Turin", "EPYC-Turin-v1"], (26, 0, 0)),
):
    for _n in _names:
        VCPU_SIGS[_n] = cpu_sig(*_fms)


class Ovmf:
    """Footer GUID table and SEV metadata of an OVMF image."""

    def __init__(self, data):
        if len(data) % PAGE or not data:
            raise ValueError("firmware size is not a multiple of 4 KiB")
        self.data = data
        self.gpa = (1 << 32) - len(data)
        self.entries = {}
        footer_at = len(data) - 32 - 18
        size, = struct.unpack_from("<H", data, footer_at)
        if data[footer_at + 2:footer_at + 18] != FOOTER_GUID:
            raise ValueError("no footer table")
        table = data[len(data) - 32 - size:footer_at]
        while table:
            length, = struct.unpack_from("<H", table, len(table) - 18)
            guid = table[-16:]
            self.entries[guid] = table[len(table) - length:len(table) - 18]
            table = table[:len(table) - length]
        self.sections = []
        if METADATA_GUID in self.entries:
            offset, = struct.unpack_from("<I", self.entries[METADATA_GUID])
            base = len(data) - offset
            sig, _size, _version, count = struct.unpack_from("<4sIII", data, base)
            assert sig == b"ASEV"
            for i in range(count):
                self.sections.append(struct.unpack_from("<III", data, base + 16 + 12 * i))

    def reset_eip(self):
        return struct.unpack_from("<I", self.entries[RESET_BLOCK_GUID])[0]

    def hash_table_base(self):
        return struct.unpack_from("<II", self.entries[HASH_TABLE_GUID])[0]


class Gctx:
    def __init__(self, seed=bytes(48)):
        self.ld = bytes(seed)

    def page(self, page_type, gpa, contents):
        info = self.ld + contents + struct.pack("<HBBBBBBQ", 0x70, page_type, 0, 0, 0, 0, 0, gpa)
        assert len(info) == 0x70
        self.ld = hashlib.sha384(info).digest()

    def normal(self, gpa, data):
        for off in range(0, len(data), PAGE):
            self.page(PAGE_NORMAL, gpa + off, hashlib.sha384(data[off:off + PAGE]).digest())

    def empty(self, page_type, gpa, size):
        for off in range(0, size, PAGE):
            self.page(page_type, gpa + off, bytes(48))


def seg(selector, attrib, limit, base):
    return struct.pack("<HHIQ", selector, attrib, limit, base)


def vmsa(eip, sig, features, vmm):
    page = bytearray(PAGE)

    def put(offset, fmt, value):
        struct.pack_into(fmt, page, offset, value)

    cs_attr, ss_attr, tr_attr, rdx, gpat, fpu = 0x9B, 0x93, 0x8B, sig, 0x0007040600070406, True
    if vmm == "ec2":
        cs_attr = 0x9A if eip == BSP_EIP else 0x9B
        ss_attr, tr_attr, rdx, fpu = 0x92, 0x83, 0x600, False
    elif vmm == "gce":
        rdx, gpat, fpu = 0x600, 0x70106, False
    segments = [(0, 0x93, 0xFFFF, 0), (0xF000, cs_attr, 0xFFFF, eip & 0xFFFF0000), (0, ss_attr, 0xFFFF, 0),
                (0, 0x93, 0xFFFF, 0), (0, 0x93, 0xFFFF, 0), (0, 0x93, 0xFFFF, 0), (0, 0, 0xFFFF, 0),
                (0, 0x82, 0xFFFF, 0), (0, 0, 0xFFFF, 0), (0, tr_attr, 0xFFFF, 0)]
    page[0:160] = b"".join(seg(*s) for s in segments)
    for offset, value in ((0xD0, 0x1000), (0x148, 0x40), (0x158, 0x10), (0x160, 0x400), (0x168, 0xFFFF0FF0),
                          (0x170, 2), (0x178, eip & 0xFFFF), (0x268, gpat), (0x310, rdx), (0x3B0, features),
                          (0x3E8, 1)):
        put(offset, "<Q", value)
    if fpu:
        put(0x408, "<I", 0x1F80)
        put(0x410, "<H", 0x37F)
    return bytes(page)


def hashes_page(offset_in_page, kernel, initrd, cmdline):
    def entry(guid, digest):
        return guid + struct.pack("<H", 50) + digest

    k = hashlib.sha256(kernel).digest()
    i = hashlib.sha256(initrd if initrd is not None else b"").digest()
    c = hashlib.sha256((cmdline if cmdline is not None else b"") + b"\0").digest()
    table = SEV_HASH_TABLE_GUID + struct.pack("<H", 168) + entry(CMDLINE_GUID, c) + entry(INITRD_GUID, i) + \
        entry(KERNEL_GUID, k)
    assert len(table) == 168
    table += bytes(8)
    page = bytearray(PAGE)
    page[offset_in_page:offset_in_page + len(table)] = table
    return bytes(page)


def ovmf_hash(ovmf_bytes):
    fw = Ovmf(ovmf_bytes)
    g = Gctx()
    g.normal(fw.gpa, fw.data)
    return g.ld


def launch_digest(ovmf_bytes, vcpus, sig, features=0x1, vmm="QEMU", kernel=None, initrd=None, cmdline=None,
                  seed=None):
    """kernel/initrd/cmdline are bytes (or None); seed replaces the firmware pages."""
    vmm = vmm.lower()
    vmm = "QEMU" if vmm == "qemu" else vmm
    fw = Ovmf(ovmf_bytes)
    if seed is not None:
        g = Gctx(seed)
    else:
        g = Gctx()
        g.normal(fw.gpa, fw.data)
    for gpa, size, kind in fw.sections:
        if kind == 1:
            g.empty(PAGE_UNMEASURED if vmm == "gce" else PAGE_ZERO, gpa, size)
        elif kind == 2:
            g.page(PAGE_SECRETS, gpa, bytes(48))
        elif kind == 3:
            if vmm != "ec2":
                g.page(PAGE_CPUID, gpa, bytes(48))
        elif kind == 4:
            g.empty(PAGE_ZERO, gpa, size)
        elif kind == 0x10:
            if kernel is None:
                g.empty(PAGE_ZERO, gpa, size)
            else:
                g.normal(gpa, hashes_page(fw.hash_table_base() & 0xFFF, kernel, initrd, cmdline))
        else:
            raise ValueError("unknown section type")
    if vmm == "ec2":
        for gpa, _size, kind in fw.sections:
            if kind == 3:
                g.page(PAGE_CPUID, gpa, bytes(48))
    if kernel is not None and not any(kind == 0x10 for _g, _s, kind in fw.sections):
        raise ValueError("kernel given but no kernel hashes section")
    for n in range(vcpus):
        page = vmsa(BSP_EIP if n == 0 else fw.reset_eip(), sig, features, vmm)
        g.page(PAGE_VMSA, VMSA_GPA, hashlib.sha384(page).digest())
    return g.ld


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ovmf", required=True)
    p.add_argument("--vcpus", type=int, required=True)
    p.add_argument("--vcpu-type")
    p.add_argument("--vcpu-sig", type=lambda s: int(s, 0))
    p.add_argument("--vmm-type", default="QEMU")
    p.add_argument("--guest-features", type=lambda s: int(s, 0), default=0x1)
    p.add_argument("--kernel")
    p.add_argument("--initrd")
    p.add_argument("--append")
    p.add_argument("--snp-ovmf-hash")
    p.add_argument("--output-format", choices=["hex", "base64"], default="hex")
    a = p.parse_args()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    sig = a.vcpu_sig if a.vcpu_sig is not None else VCPU_SIGS.get(a.vcpu_type, 0)
    ld = launch_digest(read(a.ovmf), a.vcpus, sig, a.guest_features, a.vmm_type,
                       read(a.kernel) if a.kernel else None, read(a.initrd) if a.initrd else None,
                       a.append.encode() if a.append is not None else None,
                       bytes.fromhex(a.snp_ovmf_hash) if a.snp_ovmf_hash else None)
    print(ld.hex() if a.output_format == "hex" else base64.b64encode(ld).decode())


if __name__ == "__main__":
    sys.exit(main())
