"""snp-sim: the host side of the guest's `sim` attestation provider.

Plays the AMD secure processor for one QEMU run: listens on a UNIX socket that QEMU
connects to as the chardev of the virtio-serial port `org.buckypaper.snp-sim.0`, and
answers each report request with a signed version 3 report and a certificate table.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Callable, List, Optional

from jsonlog import JsonLineLog
from snp import simframe
from snp.certs import PRODUCTS, CaChain, generate_ca_chain, generate_vcek
from snp.firmware import (DEFAULT_POLICY, DEFAULT_TCB, STATUS_INVALID_PARAM, STATUS_SUCCESS,
                          FirmwareError, GuestLaunch, SecureProcessor)
from snp.measure import LaunchInputs, MeasureError, launch_digest, parse_digest_hex
from snp.tcb import parse_tcb_spec

PORT_NAME = "org.buckypaper.snp-sim.0"
DEFAULT_BP_MEASURE = Path(__file__).resolve().parent.parent / "build" / "bin" / "bp-measure"


class SnpSimServer:
    """Serves report requests on a UNIX socket; start()/stop() for in-process use."""

    def __init__(self, socket_path: Path, processor: SecureProcessor, log: JsonLineLog) -> None:
        self.socket_path = socket_path
        self.processor = processor
        self.log = log
        self._listener: Optional[socket.socket] = None
        self._threads: List[threading.Thread] = []
        self._connections: List[socket.socket] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> None:
        # Bind under a temporary name and rename once listening: when the path exists,
        # connections succeed (QEMU's client chardev fails if it cannot connect).
        tmp = self.socket_path.with_name(self.socket_path.name + ".tmp")
        for stale in (tmp, self.socket_path):
            if stale.is_socket():
                stale.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(tmp))
        listener.listen(4)
        os.rename(tmp, self.socket_path)
        self._listener = listener
        thread = threading.Thread(target=self._accept_loop, name="snp-sim-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        self.log.write("listening", socket=str(self.socket_path))

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept()
            except OSError:
                pass
            self._listener.close()
        with self._lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for thread in self._threads:
            thread.join(timeout=5)
        if self.socket_path.is_socket():
            self.socket_path.unlink()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name="snp-sim-conn",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        self.log.write("connected")
        try:
            while True:
                frame = simframe.recv_exact(conn, simframe.REQUEST_SIZE)
                if not frame:
                    self.log.write("disconnected")
                    return
                response = self._answer(frame)
                if response is None:
                    return  # out of sync: closing is the only safe answer
                conn.sendall(response.encode())
        except OSError as e:
            if not self._stopping.is_set():
                self.log.write("connection_error", error=str(e))
        finally:
            with self._lock:
                self._connections.remove(conn)
            conn.close()

    def _answer(self, frame: bytes) -> Optional[simframe.Response]:
        try:
            request = simframe.parse_request(frame)
        except simframe.FrameError as e:
            self.log.write("bad_request", request_id=e.request_id, error=str(e),
                           status=STATUS_INVALID_PARAM if e.resync else None, closing=not e.resync)
            if not e.resync:
                return None
            return simframe.Response(e.request_id, STATUS_INVALID_PARAM)
        try:
            report = self.processor.report(request.report_data, request.vmpl)
        except FirmwareError as e:
            self.log.write("report", request_id=request.request_id, vmpl=request.vmpl,
                           status=e.status, error=str(e))
            return simframe.Response(request.request_id, e.status)
        certs = self.processor.cert_table()
        self.log.write("report", request_id=request.request_id, vmpl=request.vmpl,
                       status=STATUS_SUCCESS, report_data=request.report_data.hex(),
                       measurement=report.measurement.hex(), policy=hex(report.policy),
                       certs_len=len(certs))
        return simframe.Response(request.request_id, STATUS_SUCCESS, report.encode(), certs)


def load_or_create_chain(directory: Path, product: str) -> CaChain:
    if CaChain.exists_in(directory):
        chain = CaChain.load(directory)
        if chain.product.name != product:
            raise SystemExit(f"snp-sim: {directory} holds a {chain.product.name} chain, "
                             f"not {product}")
        return chain
    chain = generate_ca_chain(product)
    chain.save(directory)
    return chain


def _hex_bytes(size: int) -> Callable[[str], bytes]:
    """An argparse type: exactly `size` bytes as hex."""
    def parse(text: str) -> bytes:
        value = bytes.fromhex(text)
        if len(value) != size:
            raise argparse.ArgumentTypeError(f"expected {size} bytes ({2 * size} hex digits)")
        return value
    return parse


def _add_launch_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("launch measurement (either --measurement, or what QEMU boots)")
    g.add_argument("--measurement", help="the launch digest itself, 96 hex digits")
    g.add_argument("--bp-measure", type=Path, default=Path(os.environ.get("BP_MEASURE",
                                                                           DEFAULT_BP_MEASURE)),
                   help="bp-measure binary (default: $BP_MEASURE or build/bin/bp-measure)")
    g.add_argument("--ovmf", type=Path, help="firmware image measured as QEMU's -bios")
    g.add_argument("--vcpus", type=int, help="vCPU count (QEMU -smp)")
    g.add_argument("--vcpu-type", help="QEMU -cpu model, e.g. EPYC-v4")
    g.add_argument("--kernel", type=Path, help="QEMU -kernel")
    g.add_argument("--initrd", type=Path, help="QEMU -initrd")
    g.add_argument("--append", help="QEMU -append (the kernel command line)")
    g.add_argument("--guest-features", type=lambda s: int(s, 0), help="SEV features (bp-measure default if absent)")
    r = p.add_argument_group("platform and guest policy")
    r.add_argument("--product", choices=sorted(PRODUCTS), default="Genoa")
    r.add_argument("--policy", type=lambda s: int(s, 0), default=DEFAULT_POLICY,
                   help=f"guest policy (default 0x{DEFAULT_POLICY:x}; DEBUG is bit 19 = 0x80000)")
    r.add_argument("--host-data", type=_hex_bytes(32), default=bytes(32), help="HOST_DATA, 64 hex digits")
    r.add_argument("--tcb", type=parse_tcb_spec, default=DEFAULT_TCB,
                   help=f"platform TCB as bootloader=N,tee=N,snp=N,microcode=N (default {DEFAULT_TCB})")


def _measurement(args: argparse.Namespace) -> bytes:
    if args.measurement:
        return parse_digest_hex(args.measurement)
    missing = [o for o in ("ovmf", "vcpus", "vcpu_type", "kernel") if getattr(args, o) is None]
    if missing:
        raise SystemExit("snp-sim: give --measurement, or --ovmf, --vcpus, --vcpu-type and --kernel "
                         f"(missing: {', '.join('--' + m.replace('_', '-') for m in missing)})")
    inputs = LaunchInputs(args.ovmf, args.vcpus, args.vcpu_type, args.kernel, args.initrd,
                          args.append, args.guest_features)
    return launch_digest(args.bp_measure, inputs)


def _processor(args: argparse.Namespace) -> SecureProcessor:
    chain = load_or_create_chain(args.chain_dir, args.product)
    launch = GuestLaunch(measurement=_measurement(args), policy=args.policy,
                         host_data=args.host_data, tcb=args.tcb)
    return SecureProcessor(chain, generate_vcek(chain, args.tcb), launch)


def _cmd_serve(args: argparse.Namespace) -> int:
    log = JsonLineLog(args.log, program="snp-sim")
    server = SnpSimServer(args.socket, _processor(args), log)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    server.start()
    print(f"snp-sim: listening on {args.socket} (measurement "
          f"{server.processor.launch.measurement.hex()})", file=sys.stderr, flush=True)
    done.wait()
    server.stop()
    log.close()
    return 0


def _cmd_chain(args: argparse.Namespace) -> int:
    chain = load_or_create_chain(args.chain_dir, args.product)
    print(f"snp-sim: {chain.product.name} test chain in {args.chain_dir} "
          "(ask_ark.pem is the broker's --trust file)", file=sys.stderr)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    processor = _processor(args)
    try:
        report = processor.report(args.report_data, args.vmpl)
    except FirmwareError as e:
        print(f"snp-sim: {e}", file=sys.stderr)
        return 1
    args.out.write_bytes(report.encode())
    if args.certs_out:
        args.certs_out.write_bytes(processor.cert_table())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snp-sim", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="answer report requests on a UNIX socket")
    serve.add_argument("--socket", type=Path, required=True,
                       help="UNIX socket QEMU connects to: -chardev socket,id=snpsim,path=SOCKET")
    serve.add_argument("--chain-dir", type=Path, required=True,
                       help="test ARK/ASK (created if missing; ask_ark.pem goes to the broker)")
    serve.add_argument("--log", type=Path, help="JSON-lines request log (default: stderr)")
    _add_launch_arguments(serve)
    serve.set_defaults(func=_cmd_serve)

    chain = sub.add_parser("chain", help="create the test ARK/ASK chain directory")
    chain.add_argument("--chain-dir", type=Path, required=True)
    chain.add_argument("--product", choices=sorted(PRODUCTS), default="Genoa")
    chain.set_defaults(func=_cmd_chain)

    report = sub.add_parser("report", help="write one signed report (and its cert table) to files")
    report.add_argument("--chain-dir", type=Path, required=True)
    report.add_argument("--report-data", type=_hex_bytes(64), default=bytes(64))
    report.add_argument("--vmpl", type=int, default=0)
    report.add_argument("--out", type=Path, required=True, help="the 1184-byte report")
    report.add_argument("--certs-out", type=Path, help="the certificate table (auxblob format)")
    _add_launch_arguments(report)
    report.set_defaults(func=_cmd_report)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (MeasureError, OSError, ValueError) as e:
        print(f"snp-sim: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
