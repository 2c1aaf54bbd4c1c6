"""Boots one podCVM image under QEMU (TCG) and captures what it prints.

The runner is deliberately thin: it builds the QEMU command line the way a
real SNP host would (q35, OVMF pflash, -kernel/-initrd/-append, virtio disks
named by serial, virtio-serial ports named by function) minus the SNP
confidential-guest object, which these machines cannot run. Pass/fail is
decided by the callers from console lines and the broker's log.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
# The address the guest uses for the key broker; QEMU's user network forwards
# it (guestfwd) to the broker on the host's loopback, and restrict=on keeps
# the guest from reaching anything else.
BROKER_GUEST_ADDRESS = "10.0.2.100"
AGENT_PORT_NAME = "org.buckypaper.agent.0"
SIM_PORT_NAME = "org.buckypaper.snp-sim.0"
FORWARDER = Path(__file__).with_name("tcp_forward.py")


@dataclasses.dataclass
class Disk:
    path: Path
    serial: str
    read_only: bool = False


@dataclasses.dataclass
class SnpLaunch:
    """Real SEV-SNP (QEMU >= 9.1 with KVM on an SNP host): the firmware is the AmdSev
    OVMF given with -bios, QEMU measures kernel, initrd and command line into the
    launch digest (kernel-hashes), and the guest asks the real secure processor."""

    ovmf: Path
    policy: int = 0x30000
    host_data: bytes = b""      # 32 bytes, or none
    cbitpos: int = 51
    reduced_phys_bits: int = 1


@dataclasses.dataclass
class BootSpec:
    kernel: Path
    initrd: Path
    append: str
    disks: list[Disk] = dataclasses.field(default_factory=list)
    vcpus: int = 1
    cpu: str = "EPYC-Milan"  # QEMU 7.2 has no EPYC-v4; the simulator measures the same name
    memory_mib: int = 512
    sim_socket: Optional[Path] = None        # the SNP simulator's UNIX socket
    agent_socket: Optional[Path] = None      # host end of the agent's control channel
    broker_port: Optional[int] = None        # the broker on 127.0.0.1:<port>
    broker_guest_port: int = 8443
    firmware: bool = True                    # boot through OVMF like an SNP host
    timeout_s: float = 300.0
    snp: Optional[SnpLaunch] = None          # real SNP hardware instead of TCG + simulator


@dataclasses.dataclass
class BootResult:
    exit_code: Optional[int]   # None when the runner killed QEMU
    timed_out: bool
    stopped_early: bool        # a watcher asked to stop (power-loss tests)
    console: str
    elapsed_s: float

    def lines(self) -> list[str]:
        return self.console.splitlines()

    def has_line(self, text: str) -> bool:
        return any(text in line for line in self.lines())


def snp_arguments(snp: SnpLaunch, memory_mib: int) -> list[str]:
    guest = (f"sev-snp-guest,id=sev0,cbitpos={snp.cbitpos},reduced-phys-bits={snp.reduced_phys_bits},"
             f"kernel-hashes=on,policy=0x{snp.policy:x}")
    if snp.host_data:
        if len(snp.host_data) != 32:
            raise ValueError("HOST_DATA is 32 bytes")
        guest += ",host-data=" + base64.b64encode(snp.host_data).decode()
    return ["-object", f"memory-backend-memfd,id=ram0,size={memory_mib}M,share=true,prealloc=false",
            "-object", guest, "-bios", str(snp.ovmf)]


def qemu_command(spec: BootSpec, vars_file: Path) -> list[str]:
    if spec.snp and spec.sim_socket:
        raise ValueError("the SNP simulator is for TCG runs; on SNP hardware the guest asks the real secure processor")
    machine = ("q35,accel=kvm,confidential-guest-support=sev0,memory-backend=ram0" if spec.snp
               else "q35,accel=tcg")
    cmd = [
        "qemu-system-x86_64",
        "-machine", machine,
        "-cpu", spec.cpu,
        "-smp", str(spec.vcpus),
        "-m", str(spec.memory_mib),
        "-nodefaults", "-no-user-config", "-no-reboot",
        "-display", "none",
        "-serial", "stdio",
        "-monitor", "none",
        "-kernel", str(spec.kernel),
        "-initrd", str(spec.initrd),
        "-append", spec.append,
        "-device", "virtio-rng-pci",
    ]
    if spec.snp:
        cmd += snp_arguments(spec.snp, spec.memory_mib)
    elif spec.firmware:
        cmd += [
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_file}",
        ]
    for index, disk in enumerate(spec.disks):
        ro = ",readonly=on" if disk.read_only else ""
        cmd += [
            "-drive", f"file={disk.path},if=none,id=disk{index},format=raw,cache=unsafe{ro}",
            "-device", f"virtio-blk-pci,drive=disk{index},serial={disk.serial}",
        ]
    if spec.sim_socket or spec.agent_socket:
        cmd += ["-device", "virtio-serial-pci,id=vser0"]
    if spec.agent_socket:
        cmd += [
            "-chardev", f"socket,id=agent,path={spec.agent_socket},server=on,wait=off",
            "-device", f"virtserialport,bus=vser0.0,chardev=agent,name={AGENT_PORT_NAME}",
        ]
    if spec.sim_socket:
        cmd += [
            "-chardev", f"socket,id=snpsim,path={spec.sim_socket}",
            "-device", f"virtserialport,bus=vser0.0,chardev=snpsim,name={SIM_PORT_NAME}",
        ]
    netdev = "user,id=net0,restrict=on"
    if spec.broker_port:
        # A cmd: forwarder serves every connection (a tcp: target only the first).
        forward = f"{sys.executable if sys.executable else '/usr/bin/python3'} {FORWARDER} 127.0.0.1 {spec.broker_port}"
        netdev += f",guestfwd=tcp:{BROKER_GUEST_ADDRESS}:{spec.broker_guest_port}-cmd:{forward}"
    cmd += ["-netdev", netdev, "-device", "virtio-net-pci,netdev=net0"]
    return cmd


def boot(spec: BootSpec, console_file: Optional[Path] = None,
         stop_when: Optional[Callable[[str], bool]] = None) -> BootResult:
    """Runs QEMU until it exits, the timeout passes, or stop_when(line) is true
    (then QEMU is killed at once: a power loss). Every console line is written
    to console_file as it arrives."""
    workdir = Path(tempfile.mkdtemp(prefix="bp-qemu-"))
    vars_file = workdir / "OVMF_VARS.fd"
    if spec.firmware and not spec.snp:
        shutil.copyfile(OVMF_VARS, vars_file)
    cmd = qemu_command(spec, vars_file)
    start = time.monotonic()
    out = open(console_file, "w", encoding="utf-8", errors="replace") if console_file else None
    if out:
        out.write("# " + " ".join(cmd) + "\n")
        out.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    console: list[str] = []
    pending = b""
    timed_out = stopped = False
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        while True:
            remaining = spec.timeout_s - (time.monotonic() - start)
            if remaining <= 0:
                timed_out = True
                break
            if not sel.select(timeout=min(remaining, 1.0)):
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                line = raw.decode("utf-8", errors="replace").rstrip("\r")
                console.append(line)
                if out:
                    out.write(line + "\n")
                    out.flush()
                if stop_when and stop_when(line):
                    stopped = True
                    break
            if stopped:
                break
    finally:
        sel.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        if pending:
            console.append(pending.decode("utf-8", errors="replace"))
        if out:
            out.close()
        shutil.rmtree(workdir, ignore_errors=True)
    exit_code = None if (timed_out or stopped) else proc.returncode
    return BootResult(exit_code, timed_out, stopped, "\n".join(console), time.monotonic() - start)
