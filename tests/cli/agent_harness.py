"""Starts bp-agent as a host process with injected paths and talks to it:
the workload API over loopback HTTP, the host channel over TCP and over a
pseudo-terminal standing in for the virtio-serial port. Used by
tests/cli/test-agent.sh and bench/agent.bench."""

import os
import pty
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tty

PORT_NAME = "org.buckypaper.agent.0"


def boot_resources_file(records):
    """The handover format of lib/agent/boot_resources.h, written
    independently: magic, u32 count, (u16 path, u32 data) records."""
    out = b"BPAGRES1" + struct.pack("<I", len(records))
    for path, data in records:
        out += struct.pack("<H", len(path)) + path.encode() + struct.pack("<I", len(data)) + data
    return out


class Agent:
    """One bp-agent process in a scratch directory."""

    def __init__(self, binary, policy, resources=None, boot_only=(), status=None, log_text=None,
                 init_pid=None, extra_args=(), virtio=True, handover=None, sim_socket=None):
        """handover: the bytes of a whole handover file (resources and broker
        session), instead of resources. sim_socket: the SNP simulator's UNIX
        socket, bridged to a pseudo-terminal standing in for the
        org.buckypaper.snp-sim.0 port (the agent's sim provider)."""
        self.dir = tempfile.TemporaryDirectory(prefix="bp-agent-test-")
        d = self.dir.name
        self.policy_path = os.path.join(d, "policy.json")
        with open(self.policy_path, "w") as f:
            f.write(policy)
        args = [binary, "--port", "0", "--host-tcp", "127.0.0.1:0", "--policy", self.policy_path,
                "--status-file", os.path.join(d, "status.json"), "--log-file", os.path.join(d, "workload.log"),
                "--boot-resources", os.path.join(d, "resources")]
        if resources is not None or handover is not None:
            with open(os.path.join(d, "resources"), "wb") as f:
                f.write(handover if handover is not None else boot_resources_file(resources))
        if status is not None:
            with open(os.path.join(d, "status.json"), "w") as f:
                f.write(status)
        if log_text is not None:
            with open(os.path.join(d, "workload.log"), "w") as f:
                f.write(log_text)
        for r in boot_only:
            args += ["--boot-only-resource", r]
        if init_pid is not None:
            args += ["--init-pid", str(init_pid)]
        self.pty_master = None
        if virtio:
            # sysfs: class/virtio-ports/vport2p1/name, and the device node a
            # raw pseudo-terminal (a byte stream, like the port).
            port_dir = os.path.join(d, "sys/class/virtio-ports/vport2p1")
            os.makedirs(port_dir)
            os.makedirs(os.path.join(d, "sys/class/virtio-ports/vport0p1"))
            with open(os.path.join(port_dir, "name"), "w") as f:
                f.write(PORT_NAME + "\n")
            with open(os.path.join(d, "sys/class/virtio-ports/vport0p1/name"), "w") as f:
                f.write("org.buckypaper.snp-sim.0\n")
            os.makedirs(os.path.join(d, "dev"))
            master, slave = pty.openpty()
            tty.setraw(slave)
            self.pty_master, self.pty_slave = master, slave
            os.symlink(os.ttyname(slave), os.path.join(d, "dev/vport2p1"))
            if sim_socket is not None:
                self._bridge_sim(sim_socket, os.path.join(d, "dev/vport0p1"))
            args += ["--sysfs-root", os.path.join(d, "sys"), "--dev-root", os.path.join(d, "dev")]
        else:
            args += ["--no-virtio-port"]
        args += list(extra_args)
        self.lines = []
        self.lock = threading.Condition()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        threading.Thread(target=self._collect, daemon=True).start()
        self.api_port = None
        self.host_port = None
        self.wait_for_log("seccomp allow list installed|error:")
        m = self.find_log(r"workload API listening on 127\.0\.0\.1:(\d+)")
        if m:
            self.api_port = int(m.group(1))
        m = self.find_log(r"host channel listening on tcp 127\.0\.0\.1:(\d+)")
        if m:
            self.host_port = int(m.group(1))
        # The channel thread starts its loop right after the log line.
        time.sleep(0.1)

    def _bridge_sim(self, socket_path, node):
        master, slave = pty.openpty()
        tty.setraw(slave)
        tty.setraw(master)
        self.sim_pty = (master, slave)
        os.symlink(os.ttyname(slave), node)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(socket_path)
        self.sim_socket = sock

        def pump(read, write):
            try:
                while True:
                    data = read()
                    if not data:
                        return
                    write(data)
            except OSError:
                return

        threading.Thread(target=pump, args=(lambda: os.read(master, 65536), sock.sendall), daemon=True).start()
        threading.Thread(target=pump, args=(lambda: sock.recv(65536), lambda b: os.write(master, b)),
                         daemon=True).start()

    def _collect(self):
        for raw in self.process.stderr:
            with self.lock:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                self.lock.notify_all()

    def wait_for_log(self, pattern, timeout=10):
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for line in self.lines:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.time()
                if left <= 0 or self.process.poll() is not None:
                    raise RuntimeError("no log line matching %r; log:\n%s" % (pattern, "\n".join(self.lines)))
                self.lock.wait(left)

    def find_log(self, pattern):
        with self.lock:
            for line in self.lines:
                m = re.search(pattern, line)
                if m:
                    return m
        return None

    def wait_log(self, pattern, timeout=5.0):
        # The agent logs after it has answered: give the reader thread time.
        deadline = time.monotonic() + timeout
        while True:
            m = self.find_log(pattern)
            if m or time.monotonic() >= deadline:
                return m
            time.sleep(0.02)

    def log_text(self):
        with self.lock:
            return "\n".join(self.lines)

    def proc_status(self):
        with open("/proc/%d/status" % self.process.pid) as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self.pty_master is not None:
            os.close(self.pty_master)
            os.close(self.pty_slave)
        if getattr(self, "sim_socket", None) is not None:
            self.sim_socket.close()
        self.dir.cleanup()
        return code

    # ---- workload API ----
    def http(self, raw, timeout=5):
        """Sends raw request bytes; returns (status, headers, body)."""
        with socket.create_connection(("127.0.0.1", self.api_port), timeout=timeout) as s:
            s.sendall(raw)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        status = int(lines[0].split(" ")[1]) if lines and lines[0].startswith("HTTP/1.1 ") else -1
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(": ")
            headers[name.lower()] = value
        return status, headers, body

    def get(self, target):
        return self.http(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:8006\r\n\r\n" % target).encode())

    # ---- host channel ----
    def host_tcp(self, timeout=5.0):
        # The channel may start after the line the constructor waited for (when the
        # workload API fails first): wait for its own line, then for it to accept.
        if self.host_port is None:
            m = re.search(r"host channel listening on tcp 127\.0\.0\.1:(\d+)",
                          self.wait_for_log(r"host channel listening on tcp", timeout))
            self.host_port = int(m.group(1))
        deadline = time.monotonic() + timeout
        while True:
            try:
                return LineClient(socket.create_connection(("127.0.0.1", self.host_port), timeout=5))
            except ConnectionRefusedError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)


class LineClient:
    """Newline-delimited JSON over a socket or a file descriptor."""

    def __init__(self, sock=None, fd=None):
        self.sock, self.fd, self.buffer = sock, fd, b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        if self.sock:
            self.sock.sendall(data)
        else:
            while data:
                n = os.write(self.fd, data)
                data = data[n:]

    def _recv(self, timeout):
        if self.sock:
            self.sock.settimeout(timeout)
            return self.sock.recv(65536)
        import select
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            raise TimeoutError("no reply")
        return os.read(self.fd, 65536)

    def line(self, timeout=5):
        while b"\n" not in self.buffer:
            chunk = self._recv(timeout)
            if not chunk:
                raise EOFError("channel closed")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def request(self, text):
        self.send(text + "\n")
        return self.line()

    def close(self):
        if self.sock:
            self.sock.close()


class Tally:
    """ok/FAILED lines and the counts a test script ends with."""

    def __init__(self, name):
        self.name = name
        self.passed = self.failed = 0

    def check(self, what, condition, detail=""):
        if condition:
            self.passed += 1
            print("ok: " + what)
        else:
            self.failed += 1
            print("FAILED: %s %s" % (what, detail))

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)
