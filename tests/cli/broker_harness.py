"""The independent Python test broker (qemu-tests/kbs, TLS) and SNP simulator
on loopback, and bp-init's part played by build/bench/attest --handover: for
tests/cli/test-agent-broker.sh and bench/agent.bench."""

import json
import os
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOOD = "ab" * 48


def wait_for(path, timeout=15):
    deadline = time.time() + timeout
    while not os.path.exists(path) or (os.path.isfile(path) and os.path.getsize(path) == 0):
        if time.time() > deadline:
            raise RuntimeError("%s did not appear" % path)
        time.sleep(0.1)


class Broker:
    """The SNP simulator and the Python KBS (TLS) in a scratch directory."""

    def __init__(self, work, token_lifetime=300):
        self.work = work
        self.procs = []
        chain = os.path.join(work, "chain")
        if not os.path.exists(chain):
            subprocess.run([os.path.join(ROOT, "qemu-tests/snp-sim"), "chain", "--chain-dir", chain],
                           check=True, capture_output=True)
        res = os.path.join(work, "res")
        for path, data in (("buckypaper/secret/greeting", b"hello from the broker at boot"),
                           ("buckypaper/secret/second", b"fetched later by the agent"),
                           ("buckypaper/disk/root", os.urandom(64))):
            os.makedirs(os.path.dirname(os.path.join(res, path)), exist_ok=True)
            with open(os.path.join(res, path), "wb") as f:
                f.write(data)
        ref = os.path.join(work, "ref.json")
        with open(ref, "w") as f:
            json.dump({"version": 1, "snp": {"measurements": [
                {"vcpus": 1, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU", "guest_features": "0x1",
                 "launch_digest": GOOD}], "guest_policy": "0x30000", "allow_debug": False,
                "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}}}, f)
        self.sock = os.path.join(work, "sim.sock")
        if not os.path.exists(self.sock):
            self.procs.append(subprocess.Popen(
                [os.path.join(ROOT, "qemu-tests/snp-sim"), "serve", "--socket", self.sock, "--chain-dir", chain,
                 "--measurement", GOOD, "--log", os.path.join(work, "sim.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        port_file = os.path.join(work, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.log = os.path.join(work, "kbs.log")
        self.kbs = subprocess.Popen(
            [os.path.join(ROOT, "qemu-tests/kbs"), "--reference-values", ref, "--trust",
             os.path.join(chain, "ask_ark.pem"), "--resources", res, "--listen", "127.0.0.1:0",
             "--port-file", port_file, "--log", self.log, "--tls-dir", os.path.join(work, "tls"),
             "--token-lifetime", str(token_lifetime)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.sock)
        wait_for(port_file)
        self.url = "https://127.0.0.1:" + open(port_file).read().strip()
        self.ca = os.path.join(work, "tls/ca.pem")

    def resource(self, name):
        return open(os.path.join(self.work, "res", name), "rb").read()

    def decisions(self, event="resource"):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [r for r in (json.loads(line) for line in f if line.strip()) if r.get("event") == event]

    def stop_kbs(self):
        self.kbs.terminate()
        self.kbs.wait()

    def stop(self):
        self.stop_kbs()
        for p in self.procs:
            p.terminate()
            p.wait()


def handover(broker, work, build, boot=("boot-greeting=kbs:///buckypaper/secret/greeting",
                                         "root=kbs:///buckypaper/disk/root"), keep=False):
    """bp-init's part: attest, fetch the boot resources, write the handover."""
    path = os.path.join(work, "handover")
    r = subprocess.run([os.path.join(build, "bench/attest"), "--handover", path, broker.url, broker.ca, broker.sock,
                        "1"] + list(boot), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("attest failed: " + r.stderr)
    data = open(path, "rb").read()
    if not keep:
        os.unlink(path)
    return data
