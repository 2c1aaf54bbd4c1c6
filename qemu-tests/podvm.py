"""One podCVM run: the image from `make image`, the SNP simulator, the test key broker
and QEMU, wired together the way a confidential-computing host and a data owner would.

Used by `make demo` (podvm-demo) and by the boot scenarios in scenarios/. The simulator
measures what QEMU is actually given (kernel, initrd, command line, vCPUs), so a tampered
initrd or command line produces another launch digest, exactly as on SNP hardware.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import qemu_runner
from broker import tls
from jsonlog import JsonLineLog, read_json_lines
from kbs_server import KbsServer, build_app
from snp.certs import generate_vcek
from snp.firmware import DEFAULT_POLICY, GuestLaunch, SecureProcessor
from snp.measure import LaunchInputs, launch_digest
from snp_sim import SnpSimServer, load_or_create_chain

REPO = Path(__file__).resolve().parent.parent
STAND_IN_OVMF = Path(__file__).resolve().parent / "testdata" / "ovmf_AmdSev_suffix.bin"


@dataclasses.dataclass(frozen=True)
class Image:
    """The files `make image` wrote to out/<name>/."""

    directory: Path

    @property
    def kernel(self) -> Path:
        return self.directory / "bzImage"

    @property
    def initrd(self) -> Path:
        return self.directory / "initramfs.cpio.zst"

    @property
    def cmdline(self) -> str:
        return (self.directory / "cmdline").read_text().strip()

    @property
    def root(self) -> Path:
        return self.directory / "root.img"

    @property
    def data(self) -> Path:
        return self.directory / "data.img"

    @property
    def reference_values(self) -> Path:
        return self.directory / "reference-values.json"

    @property
    def resources(self) -> Path:
        return self.directory / "kbs-resources"

    def summary(self) -> Dict[str, Any]:
        return json.loads((self.directory / "image.json").read_text())


@dataclasses.dataclass
class Host:
    """What the (untrusted) host controls for one run; tests change these to attack."""

    kernel: Path
    initrd: Path
    append: str
    root: Path
    data: Path
    vcpus: int = 1
    cpu: str = "EPYC-Milan"
    policy: int = DEFAULT_POLICY
    host_data: bytes = bytes(32)  # SNP HOST_DATA, chosen by whoever launches the VM
    memory_mib: int = 512
    timeout_s: float = 300.0


@dataclasses.dataclass
class Broker:
    """What the data owner's broker is given."""

    reference_values: Path
    resources: Path
    resource_policy: Optional[Path] = None
    down_for_s: float = 0.0


def sparse_copy(source: Path, target: Path) -> None:
    subprocess.run(["cp", "--sparse=always", str(source), str(target)], check=True)


class PodVm:
    """Prepares a work directory for one image; run() boots it once per call, each
    boot with a fresh simulator and broker (so their logs are per boot) and the
    same disks (so a second boot sees what the first wrote)."""

    def __init__(self, image: Image, workdir: Path, chain_dir: Path, tls_dir: Path,
                 bp_measure: Path) -> None:
        self.image = image
        self.workdir = workdir
        self.chain_dir = chain_dir
        self.tls_dir = tls_dir
        self.bp_measure = bp_measure
        workdir.mkdir(parents=True, exist_ok=True)
        data = workdir / "data.img"
        sparse_copy(image.data, data)
        # The host launches with the guest policy the image was measured for.
        policy = int(json.loads(image.reference_values.read_text())["snp"]["guest_policy"], 0)
        self.host = Host(kernel=image.kernel, initrd=image.initrd, append=image.cmdline,
                         root=image.root, data=data, policy=policy)
        self.broker = Broker(reference_values=image.reference_values, resources=image.resources)
        self.boots = 0
        self.server: Optional[KbsServer] = None
        self.agent_socket: Optional[Path] = None  # QEMU's end of the host channel, per boot

    def pin_host_data(self, host_data: bytes) -> None:
        """The data owner binds a configuration to HOST_DATA: reference values that
        accept only launches carrying it."""
        refs = json.loads(self.broker.reference_values.read_text())
        refs["snp"]["host_data"] = host_data.hex()
        path = self.workdir / f"reference-values-host-data-{host_data.hex()[:16]}.json"
        path.write_text(json.dumps(refs))
        self.broker.reference_values = path

    def approve_current_launch(self) -> bytes:
        """The data owner's side of a test that changes what is launched (a test-only
        kernel parameter): reference values holding exactly this launch's digest."""
        digest = self.measurement()
        refs = json.loads(self.image.reference_values.read_text())
        refs["snp"]["measurements"] = [{"vcpus": self.host.vcpus, "vcpu_type": self.host.cpu,
                                        "vmm_type": "QEMU", "guest_features": "0x1",
                                        "launch_digest": digest.hex()}]
        path = self.workdir / f"reference-values-{digest.hex()[:16]}.json"
        path.write_text(json.dumps(refs))
        self.broker.reference_values = path
        return digest

    def measurement(self) -> bytes:
        """What the secure processor measures for the current host settings."""
        inputs = LaunchInputs(STAND_IN_OVMF, self.host.vcpus, self.host.cpu, self.host.kernel,
                              self.host.initrd, self.host.append)
        return launch_digest(self.bp_measure, inputs)

    def run(self, echo: Optional[Callable[[str], None]] = None,
            stop_when: Optional[Callable[[str], bool]] = None,
            during: Optional[Callable[["PodVm"], None]] = None) -> "Run":
        """Boots once. `echo` sees each console line; `stop_when` pulls the plug;
        `during(self)` runs in the test's thread before QEMU starts (e.g. to schedule
        the broker going down)."""
        self.boots += 1
        tag = f"boot{self.boots}"
        files = RunFiles(self.workdir, tag)
        for path in (files.console, files.broker_log, files.sim_log):
            path.unlink(missing_ok=True)
        chain = load_or_create_chain(self.chain_dir, "Genoa")
        launch = GuestLaunch(measurement=self.measurement(), policy=self.host.policy,
                             host_data=self.host.host_data)
        processor = SecureProcessor(chain, generate_vcek(chain, launch.tcb), launch)
        sim_log = JsonLineLog(files.sim_log, program="snp-sim")
        sim = SnpSimServer(self.workdir / f"{tag}.sim.sock", processor, sim_log)
        kbs_log = JsonLineLog(files.broker_log, program="kbs")
        app = build_app(reference_values=self.broker.reference_values,
                        trust=[self.chain_dir / "ask_ark.pem"], resources=self.broker.resources,
                        resource_policy=self.broker.resource_policy, log=kbs_log)
        tls.ensure_tls_files(self.tls_dir, tls.DEFAULT_SANS)
        self.server = KbsServer(app, "127.0.0.1", 0, tls.server_context(self.tls_dir))
        agent_socket = self.workdir / f"{tag}.agent.sock"
        self.agent_socket = agent_socket
        spec = qemu_runner.BootSpec(
            kernel=self.host.kernel, initrd=self.host.initrd, append=self.host.append,
            disks=[qemu_runner.Disk(self.host.root, "bp-root", read_only=True),
                   qemu_runner.Disk(self.host.data, "bp-data")],
            vcpus=self.host.vcpus, cpu=self.host.cpu, memory_mib=self.host.memory_mib,
            sim_socket=sim.socket_path, agent_socket=agent_socket,
            timeout_s=self.host.timeout_s)
        sim.start()
        try:
            self.server.start(down_for=self.broker.down_for_s)
            spec.broker_port = self.server.port
            if during:
                during(self)

            def watch(line: str) -> bool:
                if echo:
                    echo(line)
                return bool(stop_when and stop_when(line))

            result = qemu_runner.boot(spec, files.console, watch)
        finally:
            self.server.stop()
            sim.stop()
            kbs_log.close()
            sim_log.close()
        return Run(result, files)


@dataclasses.dataclass(frozen=True)
class RunFiles:
    workdir: Path
    tag: str

    @property
    def console(self) -> Path:
        return self.workdir / f"{self.tag}.console.log"

    @property
    def broker_log(self) -> Path:
        return self.workdir / f"{self.tag}.kbs.jsonl"

    @property
    def sim_log(self) -> Path:
        return self.workdir / f"{self.tag}.sim.jsonl"


@dataclasses.dataclass
class Run:
    result: qemu_runner.BootResult
    files: RunFiles

    @property
    def console(self) -> str:
        return self.result.console

    def lines(self) -> List[str]:
        return self.result.lines()

    def has(self, text: str) -> bool:
        return self.result.has_line(text)

    def broker_events(self, event: Optional[str] = None) -> List[Dict[str, Any]]:
        records = read_json_lines(self.files.broker_log) if self.files.broker_log.exists() else []
        return [r for r in records if event is None or r["event"] == event]

    def sim_events(self, event: Optional[str] = None) -> List[Dict[str, Any]]:
        records = read_json_lines(self.files.sim_log) if self.files.sim_log.exists() else []
        return [r for r in records if event is None or r["event"] == event]

    def describe(self) -> str:
        """For assertion messages: where to look."""
        return (f"exit={self.result.exit_code} timed_out={self.result.timed_out} "
                f"console={self.files.console} broker={self.files.broker_log}")

