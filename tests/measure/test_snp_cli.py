"""bp-measure snp against the two published vectors and, over random input
combinations, against the independent Python computation in
measure/tests/snp_digest_reference.py."""

import base64
import os
import random
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "measure", "tests"))
import snp_digest_reference as ref  # noqa: E402

BIN = os.path.join(os.environ.get("BP_BIN", os.path.join(ROOT, "build", "bin")), "bp-measure")
OVMF_DIR = os.path.join(ROOT, "tests", "data", "snp", "ovmf")
AMDSEV = os.path.join(OVMF_DIR, "ovmf_AmdSev_suffix.bin")
OVMFX64 = os.path.join(OVMF_DIR, "ovmf_OvmfX64_suffix.bin")


def measure(*args, check=True):
    p = subprocess.run([BIN, "snp", *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"bp-measure snp {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_published_vectors(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    out = measure("--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--guest-features", "0x21",
                  "--kernel", str(empty), "--initrd", str(empty), "--append", "")
    assert out.stdout == "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683" \
                         "632b9b50e4e1d7fa41179ef98a7ef198\n"
    out = measure("--ovmf", OVMFX64, "--vcpus=1", "--vcpu-sig=0x800f12", "--guest-features=0x21")
    assert out.stdout == "28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66" \
                         "f146aaae26ff291eed7b493d8a64c385\n"


def test_reference_reproduces_published_vectors():
    ld = ref.launch_digest(read(AMDSEV), 1, 0x800F12, 0x21, "QEMU", b"", b"", b"")
    assert ld.hex().startswith("329c8ce0972ae523")
    ld = ref.launch_digest(read(OVMFX64), 1, 0x800F12, 0x21, "QEMU")
    assert ld.hex().startswith("28797ae0afaba400")


def padded_firmware(tmp_path, base, pages, rng):
    """A larger firmware: random pages in front of a real 4 KiB suffix (the
    parse works from the end of the image)."""
    path = tmp_path / f"fw-{pages}-{os.path.basename(base)}"
    path.write_bytes(rng.randbytes(pages * 4096) + read(base))
    return str(path)


def test_random_combinations_match_reference(tmp_path):
    rng = random.Random(20240611)
    kernel = tmp_path / "kernel"
    kernel.write_bytes(rng.randbytes(rng.randrange(1, 70000)))
    initrd = tmp_path / "initrd"
    initrd.write_bytes(rng.randbytes(rng.randrange(1, 90000)))
    firmwares = [AMDSEV, OVMFX64, padded_firmware(tmp_path, AMDSEV, 3, rng),
                 padded_firmware(tmp_path, OVMFX64, 2, rng)]
    types = list(ref.VCPU_SIGS)
    cases = 0
    seen = set()
    for i in range(10 * len(types)):
        vcpu_type = types[i % len(types)]
        fw = rng.choice(firmwares)
        vcpus = rng.choice([1, 2, 64, rng.randrange(1, 65)])
        vmm = rng.choice(["QEMU", "qemu", "ec2", "EC2", "gce", "GCE"])
        features = rng.choice([0x1, 0x21])
        args = ["--ovmf", fw, "--vcpus", str(vcpus), "--vcpu-type", vcpu_type, "--vmm-type", vmm,
                "--guest-features", hex(features)]
        k = i_data = cmd = None
        if "AmdSev" in fw and rng.random() < 0.7:
            args += ["--kernel", str(kernel)]
            k = kernel.read_bytes()
            if rng.random() < 0.6:
                args += ["--initrd", str(initrd)]
                i_data = initrd.read_bytes()
            if rng.random() < 0.6:
                cmd = rng.choice(["", "console=ttyS0", "root=/dev/vda ro quiet bp.x=ünï"])
                args += ["--append", cmd]
                cmd = cmd.encode()
        seen |= {("vmm", vmm.lower()), ("features", features), ("vcpus", vcpus),
                 ("kernel", k is not None, i_data is not None, cmd is not None)}
        expected = ref.launch_digest(read(fw), vcpus, ref.VCPU_SIGS[vcpu_type], features, vmm, k, i_data, cmd)
        out = measure(*args)
        assert out.stdout == expected.hex() + "\n", f"case {i}: {args}"
        cases += 1
    assert cases == 10 * len(types)
    # The fixed seed covers every VMM type, both feature sets, 1 and 64 vCPUs
    # and every kernel/initrd/cmdline combination.
    assert {("vmm", "qemu"), ("vmm", "ec2"), ("vmm", "gce"), ("features", 0x1), ("features", 0x21), ("vcpus", 1),
            ("vcpus", 64)} <= seen
    assert all(("kernel", True, i, c) in seen for i in (False, True) for c in (False, True))
    assert ("kernel", False, False, False) in seen


def test_vcpu_signature_forms_agree():
    base = ["--ovmf", OVMFX64, "--vcpus", "4"]
    a = measure(*base, "--vcpu-type", "EPYC-Milan").stdout
    b = measure(*base, "--vcpu-sig", "0xa00f11").stdout
    c = measure(*base, "--vcpu-sig", str(0xA00F11)).stdout
    d = measure(*base, "--vcpu-family", "25", "--vcpu-model", "1", "--vcpu-stepping", "1").stdout
    assert a == b == c == d
    assert a != measure(*base, "--vcpu-type", "EPYC-Genoa").stdout


def test_ec2_and_gce_need_no_vcpu_type():
    for vmm in ("ec2", "gce"):
        out = measure("--ovmf", OVMFX64, "--vcpus", "2", "--vmm-type", vmm)
        assert out.stdout == ref.launch_digest(read(OVMFX64), 2, 0, 0x1, vmm).hex() + "\n"
    p = measure("--ovmf", OVMFX64, "--vcpus", "2", check=False)
    assert p.returncode == 2 and "missing --vcpu-type" in p.stderr


def test_base64_and_verbose_output():
    hex_out = measure("--ovmf", OVMFX64, "--vcpus", "1", "--vcpu-type", "EPYC-v4").stdout.strip()
    b64 = measure("--ovmf", OVMFX64, "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--output-format", "base64")
    assert base64.b64decode(b64.stdout.strip()).hex() == hex_out
    verbose = measure("--ovmf", OVMFX64, "--vcpus", "1", "--vcpu-type", "EPYC-v4", "-v").stdout
    assert verbose == f"Calculated SEV_SNP guest measurement: {hex_out}\n"


def test_ovmf_hash_shortcut(tmp_path):
    fw = padded_firmware(tmp_path, AMDSEV, 5, random.Random(7))
    seed = measure("--mode", "snp:ovmf-hash", "--ovmf", fw).stdout.strip()
    assert seed == ref.ovmf_hash(read(fw)).hex()
    full = measure("--ovmf", fw, "--vcpus", "3", "--vcpu-type", "EPYC-Genoa").stdout
    for option in ("--snp-ovmf-hash", "--ovmf-hash"):
        # The seed replaces the firmware pages: the suffix alone gives the same digest.
        assert measure("--ovmf", AMDSEV, "--vcpus", "3", "--vcpu-type", "EPYC-Genoa", option, seed).stdout == full
    p = measure("--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--snp-ovmf-hash", "abcd", check=False)
    assert p.returncode == 2 and "96 hexadecimal digits" in p.stderr


def test_dump_vmsa(tmp_path):
    measure("--ovmf", AMDSEV, "--vcpus", "3", "--vcpu-type", "EPYC-v4", "--guest-features", "0x21",
            "--dump-vmsa", str(tmp_path))
    eip = ref.Ovmf(read(AMDSEV)).reset_eip()
    assert eip == 0x0080B004
    assert (tmp_path / "vmsa0.bin").read_bytes() == ref.vmsa(ref.BSP_EIP, 0x800F12, 0x21, "QEMU")
    assert (tmp_path / "vmsa1.bin").read_bytes() == ref.vmsa(eip, 0x800F12, 0x21, "QEMU")
    assert (tmp_path / "vmsa2.bin").read_bytes() == (tmp_path / "vmsa1.bin").read_bytes()
    assert not (tmp_path / "vmsa3.bin").exists()


@pytest.mark.parametrize("args, status, message", [
    (["--vcpus", "1", "--vcpu-type", "EPYC"], 2, "required: --ovmf"),
    (["--ovmf", AMDSEV, "--vcpu-type", "EPYC"], 2, "missing --vcpus"),
    (["--ovmf", AMDSEV, "--vcpus", "0", "--vcpu-type", "EPYC"], 2, "out of range"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC-Foo"], 2, "unknown vCPU type"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--vmm-type", "xen"], 2, "unknown VMM type"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--initrd", "x"], 2, "--kernel required"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--output-format", "raw"], 2, "invalid choice"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "021"], 2, "leading zeros"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--mode", "sev"], 2, "not supported"),
    (["--ovmf", AMDSEV, "--vcpus", "1", "--vcpu-type", "EPYC", "--bogus"], 2, "unrecognized"),
    (["--ovmf", OVMFX64, "--vcpus", "1", "--vcpu-type", "EPYC", "--kernel", AMDSEV], 1, "no SNP_KERNEL_HASHES"),
    (["--ovmf", "/nonexistent", "--vcpus", "1", "--vcpu-type", "EPYC"], 1, "/nonexistent"),
])
def test_errors(args, status, message):
    p = measure(*args, check=False)
    assert p.returncode == status, p.stderr
    assert message in p.stderr
    assert p.stdout == ""


def test_malformed_firmware_is_a_clear_error(tmp_path):
    data = bytearray(read(AMDSEV))
    no_footer = tmp_path / "no-footer.bin"
    no_footer.write_bytes(bytes(4096))
    bad_length = tmp_path / "bad-length.bin"
    data[4096 - 32 - 18] = 0xFF  # table size far beyond the image
    data[4096 - 32 - 17] = 0xFF
    bad_length.write_bytes(bytes(data))
    odd_size = tmp_path / "odd-size.bin"
    odd_size.write_bytes(read(AMDSEV)[1:])
    for path, message in ((no_footer, "no OVMF footer GUID table"), (bad_length, "out of range"),
                          (odd_size, "not a non-zero multiple of 4096")):
        p = measure("--ovmf", str(path), "--vcpus", "1", "--vcpu-type", "EPYC", check=False)
        assert p.returncode == 1 and message in p.stderr, p.stderr
