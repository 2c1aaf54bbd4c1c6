"""Key hygiene after a boot (issue 11): on the debug image, while the workload holds, the
live device-mapper tables (`bp-disk dm table`, through the ioctl interface), /proc/cmdline,
every regular file under /run and the environment and command line of bp-init, bp-agent
and the workload hold none of the keys: neither the broker's resources (disk passphrases,
the workload secret) nor the two LUKS2 volume keys derived from them, in any usual
encoding. The crypt tables name a keyring logon key instead of carrying a key.

Collected through the host channel's exec (the debug policy allows it); the commands run
as the agent's helper, outside the workload's namespaces."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import checks
from podvm import REPO, PodVm
from test_host_channel import converse

BUSYBOX = "/bin/busybox"
SH = [BUSYBOX, "sh", "-c"]
# The helper's commands start with an empty environment.
PATH = "export PATH=/bin:/sbin:/usr/bin:/usr/sbin; "
WORKLOAD_COMM = "bp-example"


def exec_request(request_id: str, argv: List[str]) -> Dict:
    return {"op": "exec", "id": request_id, "argv": argv, "timeout_ms": 20000}


def volume_key(device: Path, key: bytes, workdir: Path, label: str) -> bytes:
    """The LUKS2 volume key, recovered on the host with bp-disk (the guest never shows it)."""
    key_file = workdir / f"{label}.key"
    key_file.write_bytes(key)
    out = subprocess.run([str(REPO / "build" / "bin" / "bp-disk"), "luks2", "volume-key", str(device),
                          "--key-file", str(key_file)], check=True, capture_output=True, text=True)
    key_file.unlink()
    return bytes.fromhex(out.stdout.strip())


def encodings(secret: bytes) -> List[bytes]:
    forms = [secret.hex().encode(), secret.hex().upper().encode(), base64.b64encode(secret),
             base64.b64encode(secret).rstrip(b"="), base64.urlsafe_b64encode(secret).rstrip(b"=")]
    # Raw bytes only when long enough not to match by chance.
    if len(secret) >= 8:
        forms.append(secret)
    return forms


def run_collection(vm: PodVm) -> Tuple[object, Dict[str, Dict]]:
    """First boot: lists what to collect (files under /run, the processes); the replies
    are keyed by request id. The file contents come back base64-encoded so binary
    survives the JSON reply."""
    listing = [
        exec_request("dm", ["/bin/bp-disk", "dm", "table"]),
        exec_request("cmdline", [BUSYBOX, "cat", "/proc/cmdline"]),
        # -xdev: /run itself, not the root and data file systems mounted below it.
        exec_request("run-files", [BUSYBOX, "find", "/run", "-xdev", "-type", "f"]),
        exec_request("processes", SH + [PATH + "for d in /proc/[0-9]*; do echo \"${d#/proc/} $(cat $d/comm)\"; done"]),
        # The contents of every file found, in one command so the reply order is known.
        exec_request("run-contents", SH + [PATH + "find /run -xdev -type f | while read -r f; do "
                                      "echo \"== $f\"; base64 \"$f\"; done"]),
        exec_request("proc-contents", SH + [PATH + "for d in /proc/[0-9]*; do c=$(cat $d/comm); "
                                       "case \"$c\" in bp-init|init|bp-agent|" + WORKLOAD_COMM + ") "
                                       "for f in environ cmdline; do echo \"== $d/$f $c\"; "
                                       "base64 $d/$f; done;; esac; done"]),
    ]
    run, replies = converse(vm, listing)
    by_id = {str(r.get("id")): r for r in replies}
    return run, by_id


def sections(output: str) -> Dict[str, bytes]:
    """Splits "== NAME\\nbase64..." blocks into name -> decoded bytes."""
    result: Dict[str, bytes] = {}
    name = None
    chunks: List[str] = []
    for line in output.splitlines() + ["== <end>"]:
        if line.startswith("== "):
            if name is not None:
                result[name] = base64.b64decode("".join(chunks))
            name, chunks = line[3:], []
        else:
            chunks.append(line.strip())
    return result


def test_no_key_bytes_in_dm_tables_cmdline_run_or_process_state(make_vm) -> None:
    vm = make_vm("debug", "key-hygiene")
    run, replies = run_collection(vm)
    for request_id in ("dm", "cmdline", "run-files", "processes", "run-contents", "proc-contents"):
        reply = replies.get(request_id)
        assert reply is not None and reply["ok"] is True, f"{request_id}: {reply}: {run.describe()}"
        assert reply.get("exit_code") == 0 and not reply["truncated"], f"{request_id}: {reply}"
    assert replies["bye"]["ok"] is True, replies["bye"]
    checks.powered_off(run)

    # ---- the collection found what it must (an empty one cannot pass) ----
    dm_text = replies["dm"]["output"]
    tables: Dict[str, List[str]] = {}
    for line in dm_text.splitlines():
        name, _, rest = line.partition(": ")
        tables.setdefault(name, []).append(rest)
    for name in ("bp-root-crypt", "bp-root", "bp-data"):
        assert tables.get(name), f"no live table for {name} in:\n{dm_text}"
    crypt_lines = [(n, t) for n, lines in tables.items() for t in lines if t.split()[2:3] == ["crypt"]]
    assert sorted(n for n, _ in crypt_lines) == ["bp-data", "bp-root-crypt"], dm_text
    for name, line in crypt_lines:
        params = line.split()[3:]
        # <cipher> <key> <iv_offset> <device> <offset> ...: the key names a logon key.
        assert params[1] == f":64:logon:buckypaper:{name}", f"{name}: {line}"
        assert not re.search(r"[0-9a-fA-F]{64}", line), f"{name} carries a hex key: {line}"
    assert tables["bp-root"][0].split()[2] == "verity", tables["bp-root"]

    run_files = replies["run-files"]["output"].split()
    assert "/run/buckypaper/status.json" in run_files, run_files
    run_contents = sections(replies["run-contents"]["output"])
    assert sorted(run_contents) == sorted(run_files), (sorted(run_contents), run_files)
    assert b'"stages"' in run_contents["/run/buckypaper/status.json"]

    processes = dict(line.split(" ", 1) for line in replies["processes"]["output"].splitlines())
    assert processes.get("1") in ("init", "bp-init"), processes
    proc_contents = sections(replies["proc-contents"]["output"])
    found = {name.split()[1] for name in proc_contents}
    assert {"bp-agent", WORKLOAD_COMM} <= found and found & {"init", "bp-init"}, sorted(proc_contents)
    assert any(name.startswith("/proc/1/cmdline") for name in proc_contents), sorted(proc_contents)

    # ---- the keys: the broker's resources and the volume keys behind the disk keys ----
    root = vm.image.resources
    secrets = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert {"buckypaper/disk/root", "buckypaper/disk/data", "buckypaper/secret/greeting"} <= set(secrets)
    secrets["root volume key"] = volume_key(vm.image.root, secrets["buckypaper/disk/root"], vm.workdir, "root")
    secrets["data volume key"] = volume_key(vm.host.data, secrets["buckypaper/disk/data"], vm.workdir, "data")
    for name in ("root volume key", "data volume key"):
        assert len(secrets[name]) == 64, name

    collected: Dict[str, bytes] = {"dm tables": dm_text.encode(),
                                   "/proc/cmdline": replies["cmdline"]["output"].encode(),
                                   "console": Path(run.files.console).read_bytes()}
    collected.update(run_contents)
    collected.update(proc_contents)
    for secret_name, secret in secrets.items():
        for form in encodings(secret):
            for where, blob in collected.items():
                assert form not in blob, f"{secret_name} found in {where}: {run.describe()}"
