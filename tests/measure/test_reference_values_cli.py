"""bp-measure reference-values: the test broker's loader (qemu-tests/broker/refvalues.py) reads
the output, its digests equal `bp-measure snp` for the same inputs, `report verify` accepts the
document as a policy, and the Trustee form carries the same values."""

import base64
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "qemu-tests"))
from broker import refvalues  # noqa: E402

BIN = os.path.join(os.environ.get("BP_BIN", os.path.join(ROOT, "build", "bin")), "bp-measure")
OVMF = os.path.join(ROOT, "tests", "data", "snp", "ovmf", "ovmf_AmdSev_suffix.bin")
GENOA = os.path.join(ROOT, "tests", "data", "trustee", "snp-evidence-genoa.json")


def measure(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    assert p.returncode == 0, f"bp-measure {' '.join(args)}: {p.stderr}"
    return p.stdout


def boot_files(tmp_path):
    kernel = tmp_path / "bzImage"
    kernel.write_bytes(os.urandom(50000))
    initrd = tmp_path / "initramfs.cpio.zst"
    initrd.write_bytes(os.urandom(30000))
    return ["--ovmf", OVMF, "--kernel", str(kernel), "--initrd", str(initrd),
            "--append", "console=ttyS0 bp.root=verity"]


def test_broker_reads_the_output_and_digests_match_snp(tmp_path):
    boot = boot_files(tmp_path)
    out = tmp_path / "reference-values.json"
    measure("reference-values", *boot, "--vcpus", "1,2", "--vcpu-type", "EPYC-v4,EPYC-Genoa",
            "--vmm-type", "QEMU,ec2", "--guest-features", "0x21", "--host-data", "ab" * 32,
            "--verity-root-hash", "CD" * 32, "--min-tcb", "bootloader=3,tee=0,snp=8,microcode=115",
            "--output", str(out))
    refs = refvalues.load(out)
    assert len(refs.measurements) == 8
    assert refs.guest_policy == 0x30000 and refs.allow_debug is False
    assert refs.host_data == bytes.fromhex("ab" * 32)
    assert refs.verity_root_hash == "cd" * 32
    assert (refs.minimum_tcb.bootloader, refs.minimum_tcb.snp, refs.minimum_tcb.microcode) == (3, 8, 115)
    assert refs.minimum_tcb.fmc is None
    seen = set()
    for m in refs.measurements:
        assert m.guest_features == 0x21
        seen.add((m.vcpus, m.vcpu_type, m.vmm_type))
        digest = measure("snp", *boot, "--vcpus", str(m.vcpus), "--vcpu-type", m.vcpu_type,
                         "--vmm-type", m.vmm_type, "--guest-features", "0x21").strip()
        assert m.launch_digest.hex() == digest
        assert refs.match(bytes.fromhex(digest)) is not None
    assert seen == {(n, t, v) for n in (1, 2) for t in ("EPYC-v4", "EPYC-Genoa") for v in ("QEMU", "ec2")}


def test_standard_output_and_debug(tmp_path):
    doc = json.loads(measure("reference-values", "--ovmf", OVMF, "--vcpus", "4", "--vcpu-type", "EPYC-Milan",
                             "--policy", "0xb0000", "--allow-debug"))
    assert doc["snp"]["guest_policy"] == "0xb0000" and doc["snp"]["allow_debug"] is True
    assert "host_data" not in doc["snp"] and "verity_root_hash" not in doc
    refs = refvalues.parse(doc)
    assert refs.measurements[0].launch_digest.hex() == measure(
        "snp", "--ovmf", OVMF, "--vcpus", "4", "--vcpu-type", "EPYC-Milan").strip()
    p = subprocess.run([BIN, "reference-values", "--ovmf", OVMF, "--vcpus", "4", "--vcpu-type", "EPYC-Milan",
                        "--policy", "0xb0000"], capture_output=True, text=True)
    assert p.returncode == 2 and "--allow-debug" in p.stderr
    p = subprocess.run([BIN, "reference-values", "--ovmf", str(tmp_path / "missing"), "--vcpus", "1",
                        "--vcpu-type", "EPYC"], capture_output=True, text=True)
    assert p.returncode == 1 and "missing" in p.stderr


def test_reference_values_as_a_verify_policy(tmp_path):
    """A reference-values document works as --policy: its digests are what gets accepted."""
    show = json.loads(measure("report", "show", GENOA))["report"]
    doc = json.loads(measure("reference-values", "--ovmf", OVMF, "--vcpus", "1", "--vcpu-type", "EPYC-v4"))
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(doc))
    p = subprocess.run([BIN, "report", "verify", GENOA, "--at", "2025-06-01T00:00:00Z", "--policy", str(path)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "FAILED measurement: " + show["measurement"] in p.stderr
    doc["snp"]["measurements"][0]["launch_digest"] = show["measurement"]
    path.write_text(json.dumps(doc))
    p = subprocess.run([BIN, "report", "verify", GENOA, "--at", "2025-06-01T00:00:00Z", "--policy", str(path)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_trustee_format(tmp_path):
    boot = boot_files(tmp_path)
    common = [*boot, "--vcpus", "1-3", "--vcpu-type", "EPYC-Genoa", "--min-tcb", "snp=20,microcode=250",
              "--policy", "0x130000"]
    ours = json.loads(measure("reference-values", *common))
    message = json.loads(measure("reference-values", *common, "--format", "trustee"))
    assert message["version"] == "0.1.0" and message["type"] == "sample"
    sample = json.loads(base64.b64decode(message["payload"], validate=True))
    assert sample["snp_launch_measurement"] == [m["launch_digest"] for m in ours["snp"]["measurements"]]
    assert sample["snp_snp_svn"] == list(range(20, 256))
    assert sample["snp_microcode"] == list(range(250, 256))
    assert sample["snp_bootloader"] == list(range(0, 256))
    assert sample["snp_single_socket"] is True and sample["snp_smt_allowed"] is True
    assert sample["snp_guest_abi_major"] == 0 and sample["snp_guest_abi_minor"] == 0
