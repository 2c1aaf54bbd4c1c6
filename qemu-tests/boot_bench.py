"""Boot benchmark (bench/boot.bench): bp-init's stage times from the console of the happy
path, and the time from kernel start to the workload's exec, beside the same kernel
booting a trivial static init (the floor), under the same QEMU command line, alternating,
in one run. Prints RESULT lines for bench/run-all; medians over --runs boots.

Times are the guest's own clock: the kernel's printk timestamps and bp-init's
CLOCK_MONOTONIC milliseconds both count from kernel start."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
from pathlib import Path
from typing import Dict, List

import qemu_runner
from podvm import Image, PodVm
from snp_sim import load_or_create_chain

RUN_INIT = re.compile(r"^\[\s*(\d+\.\d+)\] Run /init as init process")
STAGE_DONE = re.compile(r"^\[\s*(\d+) ms\] bp-init (\w+): done in (\d+) ms")
WORKLOAD_EXEC = re.compile(r"^\[\s*(\d+) ms\] bp-init handover: workload started")


def kernel_to_init_ms(lines: List[str]) -> float:
    for line in lines:
        m = RUN_INIT.match(line)
        if m:
            return float(m.group(1)) * 1000
    raise RuntimeError("no 'Run /init' line on the console")


def result(figure: str, ours: float, reference, unit: str, note: str = "") -> None:
    ref = "-" if reference is None else f"{reference:.0f}"
    print(f"RESULT {figure} | {ours:.0f} | {ref} | {unit} | {note}", flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--image", type=Path, required=True)
    p.add_argument("--floor-initrd", type=Path, required=True, help="a trivial static /init")
    p.add_argument("--workdir", type=Path, required=True)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    chain_dir = args.workdir / "chain"
    load_or_create_chain(chain_dir, "Genoa")
    image = Image(args.image)
    floor_init: List[float] = []
    ours_init: List[float] = []
    ours_exec: List[float] = []
    stages: Dict[str, List[float]] = {}
    for i in range(args.runs):
        floor = qemu_runner.boot(qemu_runner.BootSpec(kernel=image.kernel, initrd=args.floor_initrd,
                                                      append=image.cmdline, timeout_s=300))
        floor_init.append(kernel_to_init_ms(floor.lines()))
        # A fresh data disk each time: the first boot (with its format) is the one measured.
        vm = PodVm(image, args.workdir / f"run{i}", chain_dir, Path(os.environ["BP_BROKER_TLS"]),
                   Path(os.environ["BP_MEASURE"]))
        run = vm.run()
        if not run.has("bp-init supervise: workload exited with status 0"):
            print(f"boot-bench: the boot failed: {run.describe()}", file=sys.stderr)
            return 1
        lines = run.lines()
        ours_init.append(kernel_to_init_ms(lines))
        ours_exec.append(next(float(m.group(1)) for m in map(WORKLOAD_EXEC.match, lines) if m))
        seen = set()
        for m in filter(None, map(STAGE_DONE.match, lines)):
            if m.group(2) not in seen:
                seen.add(m.group(2))
                stages.setdefault(m.group(2), []).append(float(m.group(3)))
    median = statistics.median
    note = f"median of {args.runs}, TCG, OVMF, 1 vCPU; reference: same kernel, trivial static /init"
    result("boot: kernel start to /init (image initramfs)", median(ours_init), median(floor_init), "ms", note)
    result("boot: kernel start to workload exec", median(ours_exec), median(floor_init), "ms",
           "reference is the floor: kernel start to a trivial /init")
    for stage, values in stages.items():
        result(f"boot: bp-init stage {stage}", median(values), None, "ms",
               "first boot (data disk formatted)" if stage == "disks" else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
