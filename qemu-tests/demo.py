"""`make demo`: boots the example podCVM image once under QEMU with the SNP simulator and
the test key broker, and shows each stage of bp-init, the broker's verdict and the
workload's output. The full console and the logs stay in the work directory."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from podvm import Image, PodVm
from snp_sim import load_or_create_chain

KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")
TCG_WARNING = "TCG doesn't support requested feature"  # the CPU model's SNP-era features
TERMINAL_CONTROL = re.compile(r"\x1b\[[0-9;=]*[A-Za-z]")  # OVMF clears the screen


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--image", type=Path, required=True, help="out/<name> from `make image`")
    p.add_argument("--workdir", type=Path, required=True, help="logs, the chain, the data disk copy")
    p.add_argument("--boots", type=int, default=1, help="boot this many times on the same data disk")
    p.add_argument("--verbose", action="store_true", help="show the kernel's lines too")
    args = p.parse_args()

    image = Image(args.image)
    if not image.kernel.exists():
        print(f"demo: {args.image} is not an image (run `make image`)", file=sys.stderr)
        return 2
    chain_dir = args.workdir / "chain"
    load_or_create_chain(chain_dir, "Genoa")
    run_dir = args.workdir / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    vm = PodVm(image, run_dir, chain_dir, Path(os.environ["BP_BROKER_TLS"]), Path(os.environ["BP_MEASURE"]))
    print(f"demo: image {args.image} ({image.summary()['flavour']}), QEMU TCG, {vm.host.vcpus} vCPU "
          f"{vm.host.cpu}, OVMF; SNP simulator and key broker on the host")
    print(f"demo: the launch measures to {vm.measurement().hex()}")

    def echo(line: str) -> None:
        line = TERMINAL_CONTROL.sub("", line)
        if args.verbose or (not KERNEL_LINE.match(line) and TCG_WARNING not in line and line) \
                or "reboot: Power down" in line:
            print(f"  guest | {line}", flush=True)

    ok = True
    for _ in range(args.boots):
        run = vm.run(echo=echo)
        for event in run.broker_events():
            if event["event"] == "attest":
                claims = event.get("claims", {})
                print(f"broker | attestation {event['decision']}: {event['reason']}"
                      + (f" (measurement {claims['measurement'][:16]}..., {claims['product']},"
                         f" policy {claims['policy']})" if claims else ""))
            elif event["event"] == "resource":
                print(f"broker | resource {event['resource']}: {event['decision']}")
        worked = run.result.exit_code == 0 and run.has("bp-init supervise: workload exited with status 0")
        print(f"demo: {'the workload ran and the VM powered off' if worked else 'the boot failed'} "
              f"after {run.result.elapsed_s:.1f} s; console {run.files.console}, broker log {run.files.broker_log}")
        ok = ok and worked
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
