"""bp-measure verity against veritysetup (cryptsetup-bin): the same root hash
and, byte for byte, the same hash device, over random images, salts, block
sizes, hash offsets, with and without a superblock; verify both ways."""

import os
import random
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(os.environ.get("BP_BIN", os.path.join(ROOT, "build", "bin")), "bp-measure")
VERITYSETUP = shutil.which("veritysetup") or "/usr/sbin/veritysetup"
UUID = "0badc0de-1234-4321-8765-0123456789ab"

pytestmark = pytest.mark.skipif(not os.path.exists(VERITYSETUP), reason="veritysetup (cryptsetup-bin) missing")


def run(*args, check=True):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p


def veritysetup_root(stdout):
    return re.search(r"^Root hash:\s+([0-9a-f]{64})$", stdout, re.M).group(1)


def ours_root(stdout):
    return re.search(r"^Root hash:\s+([0-9a-f]{64})$", stdout, re.M).group(1)


def format_both(tmp, data, options, same_device=False, prefill=None):
    """Formats with both tools; returns (our root, their root, our hash path, their hash path)."""
    results = []
    for tool in ("ours", "theirs"):
        if same_device:
            target = tmp / f"{tool}.img"
            shutil.copyfile(data, target)
            devices = [target] if tool == "ours" else [target, target]
        else:
            target = tmp / f"{tool}.hash"
            if target.exists():
                target.unlink()
            if prefill is not None:
                target.write_bytes(prefill)
            devices = [data, target]
        if tool == "ours":
            out = run(BIN, "verity", "format", *devices, *options).stdout
            root = ours_root(out)
        else:
            out = run(VERITYSETUP, "format", *devices, *options).stdout
            root = veritysetup_root(out)
        results.append((root, target))
    (ours, our_file), (theirs, their_file) = results
    return ours, theirs, our_file, their_file


SALTS = ["-", "", "ab", "0102fe", os.urandom(32).hex(), os.urandom(256).hex(), os.urandom(7).hex()]
BLOCKS = [(4096, 4096), (512, 512), (512, 4096), (4096, 512), (1024, 2048), (2048, 1024)]


def test_random_images_match_veritysetup(tmp_path):
    rng = random.Random(4242)
    sizes = [4096, 8192, 3 * 4096 + 512, 128 * 4096, 129 * 4096, 1 << 20, (1 << 20) + 1234, 5 * (1 << 20) + 4096]
    cases = 0
    total_bytes = 0
    for i, size in enumerate(sizes * 2):
        data = tmp_path / f"data{i}"
        data.write_bytes(rng.randbytes(size))
        total_bytes += size
        dbs, hbs = BLOCKS[i % len(BLOCKS)]
        salt = SALTS[i % len(SALTS)]
        superblock = i % 3 != 2
        options = [f"--salt={salt}", f"--data-block-size={dbs}", f"--hash-block-size={hbs}"]
        if superblock:
            options.append(f"--uuid={UUID}")
            options.append(f"--hash-offset={rng.choice([0, 512, 4096, 3 * 4096 + 1024])}")
        else:
            options.append("--no-superblock")
            options.append(f"--hash-offset={rng.choice([0, hbs, 4 * hbs])}")
        ours, theirs, our_file, their_file = format_both(tmp_path, data, options)
        assert ours == theirs, f"case {i}: {options}"
        assert our_file.read_bytes() == their_file.read_bytes(), f"case {i}: {options}"
        cases += 1
    assert cases == 2 * len(sizes) and total_bytes < 40 << 20


def test_hash_inside_data_matches_veritysetup(tmp_path):
    data = tmp_path / "data"
    data.write_bytes(os.urandom(300 * 4096))
    offset = 300 * 4096
    for options in ([f"--hash-offset={offset}", "--salt=00", f"--uuid={UUID}"],
                    [f"--hash-offset={offset + 4096}", "--salt=-", "--no-superblock"]):
        ours, theirs, our_img, their_img = format_both(tmp_path, data, options, same_device=True)
        assert ours == theirs
        assert our_img.read_bytes() == their_img.read_bytes()


def test_existing_hash_file_keeps_bytes_outside_the_hash_area(tmp_path):
    data = tmp_path / "data"
    data.write_bytes(os.urandom(200 * 4096))
    prefill = b"\xa5" * 100000
    ours, theirs, our_file, their_file = format_both(
        tmp_path, data, ["--salt=11", f"--uuid={UUID}", "--hash-offset=1024"], prefill=prefill)
    assert ours == theirs
    assert our_file.read_bytes() == their_file.read_bytes()
    assert our_file.read_bytes()[:1024] == prefill[:1024]


def test_verify_both_ways_and_detect_corruption(tmp_path):
    data = tmp_path / "data"
    data.write_bytes(os.urandom(1000 * 4096))
    ours, theirs, our_file, their_file = format_both(tmp_path, data, ["--salt=abcdef", f"--uuid={UUID}"])
    assert ours == theirs
    run(VERITYSETUP, "verify", data, our_file, ours)
    out = run(BIN, "verity", "verify", data, their_file, theirs).stdout
    assert "matches root hash" in out
    # A flipped data bit: both tools refuse.
    blob = bytearray(data.read_bytes())
    blob[777 * 4096 + 5] ^= 1
    data.write_bytes(bytes(blob))
    assert run(VERITYSETUP, "verify", data, our_file, ours, check=False).returncode != 0
    p = run(BIN, "verity", "verify", data, our_file, ours, check=False)
    assert p.returncode == 1 and "over data blocks 768..895" in p.stderr
    # A wrong root hash.
    blob[777 * 4096 + 5] ^= 1
    data.write_bytes(bytes(blob))
    p = run(BIN, "verity", "verify", data, our_file, "00" * 32, check=False)
    assert p.returncode == 1 and "root hash mismatch" in p.stderr


def test_verify_without_superblock_and_inside_data(tmp_path):
    data = tmp_path / "data"
    data.write_bytes(os.urandom(100 * 1024))
    options = ["--salt=0102", "--data-block-size=1024", "--hash-block-size=512", "--no-superblock"]
    ours, theirs, our_file, _ = format_both(tmp_path, data, options)
    assert ours == theirs
    run(BIN, "verity", "verify", data, our_file, ours, *options)
    run(VERITYSETUP, "verify", data, our_file, ours, *options)
    p = run(BIN, "verity", "verify", data, our_file, ours, "--no-superblock", "--salt=0103", check=False)
    assert p.returncode == 1
    p = run(BIN, "verity", "verify", data, our_file, ours, "--no-superblock", check=False)
    assert p.returncode == 2 and "needs --salt" in p.stderr
    # Hash appended to the image itself.
    image = tmp_path / "image"
    image.write_bytes(data.read_bytes())
    root = ours_root(run(BIN, "verity", "format", image, "--salt=77").stdout)
    offset = 100 * 1024  # the default: the end of the data, rounded up to 4 KiB
    out = run(BIN, "verity", "verify", image, root, f"--hash-offset={offset}").stdout
    assert "matches root hash" in out
    run(VERITYSETUP, "verify", image, image, root, f"--hash-offset={offset}")
    p = run(BIN, "verity", "verify", image, root, check=False)
    assert p.returncode == 1 and "--hash-offset" in p.stderr


def test_json_output(tmp_path):
    import json
    data = tmp_path / "data"
    data.write_bytes(os.urandom(64 * 4096))
    out = run(BIN, "verity", "format", data, tmp_path / "hash", "--salt=-", "--json").stdout
    j = json.loads(out)
    assert j["salt"] == "" and j["superblock"] is True and j["data_blocks"] == 64
    assert j["hash_start_block"] == 1 and j["hash_blocks"] == 1 and j["target_sectors"] == 512
    assert j["table"].endswith(f"sha256 {j['root_hash']} -")
    # The UUID was random and lands in the superblock.
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", j["uuid"])
    vs = run(VERITYSETUP, "dump", tmp_path / "hash").stdout
    assert j["uuid"] in vs


@pytest.mark.parametrize("args, message", [
    (["--data-block-size=8192"], "data block size 8192"),
    (["--hash-block-size=256"], "hash block size 256"),
    (["--salt=" + "00" * 257], "longer than 256 bytes"),
    (["--salt=abc"], "odd length"),
    (["--hash-offset=1000"], "multiple of 512"),
    (["--no-superblock", "--hash-offset=512"], "multiple of the hash block size"),
    (["--no-superblock", "--uuid", UUID], "cannot go with --no-superblock"),
    (["--uuid", "nope"], "invalid UUID"),
    (["--data-blocks=99"], "do not fit"),
])
def test_format_errors(tmp_path, args, message):
    data = tmp_path / "data"
    data.write_bytes(bytes(16 * 4096))
    p = run(BIN, "verity", "format", data, tmp_path / "hash", *args, check=False)
    assert p.returncode in (1, 2) and message in p.stderr, p.stderr


def test_hash_area_must_not_overlap_data(tmp_path):
    data = tmp_path / "data"
    data.write_bytes(bytes(16 * 4096))
    p = run(BIN, "verity", "format", data, "--hash-offset=4096", check=False)
    assert p.returncode == 1 and "overlaps" in p.stderr
    p = run(BIN, "verity", "format", data, data, "--hash-offset=8192", check=False)
    assert p.returncode == 1 and "overlaps" in p.stderr
