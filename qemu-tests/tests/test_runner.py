"""The QEMU command lines the runner builds (no QEMU is started here)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

import qemu_runner


def spec(**overrides) -> qemu_runner.BootSpec:
    values = dict(kernel=Path("bzImage"), initrd=Path("initrd"), append="console=ttyS0",
                  disks=[qemu_runner.Disk(Path("root.img"), "bp-root", read_only=True)],
                  sim_socket=Path("sim.sock"), agent_socket=Path("agent.sock"), broker_port=4433)
    values.update(overrides)
    return qemu_runner.BootSpec(**values)


def option_values(cmd: list, name: str) -> list:
    return [cmd[i + 1] for i, arg in enumerate(cmd) if arg == name]


def test_tcg_command_has_firmware_ports_disks_and_restricted_network() -> None:
    cmd = qemu_runner.qemu_command(spec(), Path("vars.fd"))
    assert option_values(cmd, "-machine") == ["q35,accel=tcg"]
    assert "-no-reboot" in cmd
    drives = option_values(cmd, "-drive")
    assert any(d.startswith("if=pflash") and "readonly=on" in d for d in drives)
    assert any("file=root.img" in d and "readonly=on" in d for d in drives)
    devices = option_values(cmd, "-device")
    assert "virtio-blk-pci,drive=disk0,serial=bp-root" in devices
    assert any(f"name={qemu_runner.SIM_PORT_NAME}" in d for d in devices)
    assert any(f"name={qemu_runner.AGENT_PORT_NAME}" in d for d in devices)
    netdev = option_values(cmd, "-netdev")[0]
    assert "restrict=on" in netdev and "guestfwd=tcp:10.0.2.100:8443-cmd:" in netdev
    assert netdev.endswith(" 127.0.0.1 4433")


def test_snp_hardware_command() -> None:
    launch = qemu_runner.SnpLaunch(ovmf=Path("OVMF.amdsev.fd"), policy=0x30000, host_data=bytes(range(32)))
    cmd = qemu_runner.qemu_command(spec(sim_socket=None, cpu="EPYC-v4", snp=launch), Path("vars.fd"))
    assert option_values(cmd, "-machine") == ["q35,accel=kvm,confidential-guest-support=sev0,memory-backend=ram0"]
    objects = option_values(cmd, "-object")
    assert objects[0] == "memory-backend-memfd,id=ram0,size=512M,share=true,prealloc=false"
    assert objects[1] == ("sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,kernel-hashes=on,policy=0x30000,"
                          "host-data=" + base64.b64encode(bytes(range(32))).decode())
    assert option_values(cmd, "-bios") == ["OVMF.amdsev.fd"]
    assert not any(d.startswith("if=pflash") for d in option_values(cmd, "-drive"))
    assert not any(qemu_runner.SIM_PORT_NAME in d for d in option_values(cmd, "-device"))


def test_snp_hardware_refuses_the_simulator_and_bad_host_data() -> None:
    launch = qemu_runner.SnpLaunch(ovmf=Path("OVMF.fd"))
    with pytest.raises(ValueError, match="simulator"):
        qemu_runner.qemu_command(spec(snp=launch), Path("vars.fd"))
    bad = qemu_runner.SnpLaunch(ovmf=Path("OVMF.fd"), host_data=b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        qemu_runner.qemu_command(spec(sim_socket=None, snp=bad), Path("vars.fd"))
