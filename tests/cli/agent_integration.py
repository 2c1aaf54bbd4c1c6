"""bp-agent end to end on the host: the shipped (static musl) binary with
test paths, its workload API and host channel, its confinement."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_harness import Agent, LineClient, Tally  # noqa: E402

BINARY = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRODUCTION = open(os.path.join(ROOT, "agent/policy/production.json")).read()
DEBUG = open(os.path.join(ROOT, "agent/policy/debug.json")).read()
STATUS = json.dumps({"version": 1, "flavour": "production", "updated_ms": 5210,
                     "stages": [{"name": "early", "state": "done", "start_ms": 10, "end_ms": 14},
                                {"name": "attest", "state": "done", "start_ms": 90, "end_ms": 412}],
                     "workload": {"state": "running", "pid": 312, "started_ms": 5200}})
RESOURCES = [("default/key/1", b"12345678901234567890"), ("buckypaper/secret/greeting", b"hello, workload\n"),
             ("buckypaper/disk/root", b"A DISK KEY THAT MUST NOT LEAK")]

TALLY = Tally("test-agent")
check = TALLY.check


def production_agent():
    init = subprocess.Popen(["sleep", "60"])  # stands in for PID 1
    agent = Agent(BINARY, PRODUCTION, resources=RESOURCES, boot_only=["kbs:///buckypaper/disk/root"],
                  status=STATUS, log_text="workload says hi\n", init_pid=init.pid)
    try:
        check("workload API and host channel started", agent.api_port and agent.host_port, agent.log_text())
        status = agent.proc_status()
        check("no capabilities", "CapEff:\t0000000000000000" in status and "CapPrm:\t0000000000000000" in status)
        check("no_new_privs", "NoNewPrivs:\t1" in status)
        check("seccomp filter", "Seccomp:\t2" in status)

        code, headers, body = agent.get("/cdh/resource/default/key/1")
        check("resource served", code == 200 and body == b"12345678901234567890", (code, body))
        check("resource content type", headers.get("content-type") == "application/octet-stream", headers)
        code, _, body = agent.get("/cdh/resource/buckypaper/secret/greeting")
        check("second resource", code == 200 and body == b"hello, workload\n")
        code, _, body = agent.get("/cdh/resource/buckypaper/disk/root")
        check("boot-only resource refused", code == 403 and b"boot-only" in body and b"DISK KEY" not in body)
        check("boot-only refusal logged", agent.wait_log(r"refused kbs:///buckypaper/disk/root") is not None)
        code, _, body = agent.get("/cdh/resource/default/key/2")
        check("resource not fetched at boot", code == 500 and b"not fetched at boot" in body, body)
        for target in ["/cdh/resource/../../../etc/shadow", "/cdh/resource/default/key/..",
                       "/cdh/resource/default/key/%2e%2e", "/cdh/resource/default//1", "/cdh/resource/a/b/c/d"]:
            code, _, _ = agent.get(target)
            check("traversal refused: " + target, code == 400, code)
        code, _, body = agent.get("/aa/evidence?runtime_data=abc")
        check("evidence says it is unavailable", code == 500 and b"no attestation provider" in body, body)
        code, _, body = agent.get("/aa/token?token_type=kbs")
        check("token says it is unavailable", code == 500 and b"no broker session" in body, body)
        code, _, _ = agent.get("/aa/evidence?runtime_data=" + "x" * 65)
        check("runtime data over 64 bytes", code == 400)
        code, _, body = agent.get("/info")
        check("info", code == 200 and json.loads(body)["tee"] == "snp")
        code, _, _ = agent.get("/nope")
        check("unknown URL", code == 404)
        code, headers, _ = agent.http(b"POST /cdh/resource/default/key/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        check("POST refused", code == 405 and headers.get("allow") == "GET")
        code, _, _ = agent.http(b"GET / HTTP/1.1\nHost: h\n\n")
        check("malformed HTTP", code == 400)
        code, _, _ = agent.http(b"GET / HTTP/1.1\r\nHost: h\r\nX: " + b"a" * 20000 + b"\r\n\r\n")
        check("oversized header", code == 431)
        code, _, _ = agent.http(b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n" + b"z" * 100000)
        check("body refused", code == 413)

        # A silent client does not hold up others.
        slow = socket.create_connection(("127.0.0.1", agent.api_port))
        slow.sendall(b"GET /cdh/resource/default/key/1 HTTP/1.1\r\n")
        start = time.time()
        code, _, _ = agent.get("/cdh/resource/default/key/1")
        check("served beside a slow client", code == 200 and time.time() - start < 2)
        slow.close()

        host = agent.host_tcp()
        reply = json.loads(host.request('{"op":"status","id":1}'))
        check("status over TCP", reply["ok"] and reply["id"] == 1 and reply["boot"]["stages"][1]["end_ms"] == 412
              and reply["boot"]["workload"]["state"] == "running" and reply["agent"]["policy"] == "production",
              reply)
        check("exec denied in production",
              host.request('{"op":"exec","argv":["/bin/sh","-c","id"]}') ==
              '{"ok":false,"error":"denied by policy: exec"}')
        check("denial logged", agent.wait_log(r"denied exec from tcp 127\.0\.0\.1") is not None)
        check("logs denied in production", "denied by policy: logs" in host.request('{"op":"logs"}'))
        check("set-policy refused", "set-policy is never allowed" in host.request('{"op":"set-policy","allow":"all"}'))
        check("malformed JSON", "malformed request" in host.request("{nope"))
        check("unknown op", "unknown op" in host.request('{"op":"reboot"}'))
        host.send("x" * 70000 + "\n")
        check("oversized line", "longer than 65536 bytes" in host.line())
        check("channel works after bad input", json.loads(host.request('{"op":"status"}'))["ok"])
        host.send('{"op":"status"}\n' * 300)
        replies = [host.line() for _ in range(300)]
        limited = sum("rate limited" in r for r in replies)
        check("flood rate limited", 250 < limited < 300, limited)
        code, _, body = agent.get("/cdh/resource/default/key/1")
        check("workload API unaffected by the flood", code == 200)
        time.sleep(1.2)
        check("channel recovers after the flood", json.loads(host.request('{"op":"status"}'))["ok"])

        # The virtio port, found by its name in sysfs.
        port = LineClient(fd=agent.pty_master)
        reply = json.loads(port.request('{"op":"status","id":"port"}'))
        check("status over the virtio port", reply["ok"] and reply["id"] == "port", reply)
        check("exec denied over the virtio port", "denied by policy: exec" in port.request('{"op":"exec","argv":["ls"]}'))

        reply = json.loads(host.request('{"op":"shutdown"}'))
        check("shutdown accepted", reply == {"ok": True, "shutting_down": True}, reply)
        try:
            init_code = init.wait(timeout=5)
        except subprocess.TimeoutExpired:
            init_code = None
        check("shutdown signalled the init with SIGTERM", init_code == -signal.SIGTERM, init_code)
        host.close()
    finally:
        code = agent.stop()
        if init.poll() is None:
            init.kill()
    check("agent stops cleanly on SIGTERM", code == 0, code)


def debug_agent():
    log = "".join("workload line %d\n" % i for i in range(5000))
    agent = Agent(BINARY, DEBUG, resources=[], status=STATUS, log_text=log, virtio=False)
    try:
        host = agent.host_tcp()
        reply = json.loads(host.request('{"op":"exec","argv":["echo","hello from","exec"],"id":9}'))
        check("exec allowed in debug", reply == {"ok": True, "id": 9, "exit_code": 0, "timed_out": False,
                                                 "output": "hello from exec\n", "truncated": False}, reply)
        reply = json.loads(host.request('{"op":"exec","argv":["/bin/sh","-c","grep -E \'^(CapEff|Seccomp)\' /proc/self/status"]}'))
        check("exec runs outside the agent's confinement (the helper)",
              reply["ok"] and "Seccomp:\t0" in reply["output"], reply)
        start = time.time()
        reply = json.loads(host.request('{"op":"exec","argv":["sleep","30"],"timeout_ms":300}'))
        check("exec timeout", reply["timed_out"] and reply["signal"] == 9 and time.time() - start < 5, reply)
        reply = json.loads(host.request('{"op":"exec","argv":["/no/such/command"]}'))
        check("exec of a missing command", not reply["ok"] and "No such file" in reply["error"], reply)
        reply = json.loads(host.request('{"op":"logs","max_bytes":40}'))
        check("logs tail", reply["ok"] and reply["truncated"] and reply["log"].endswith("workload line 4999\n")
              and reply["log"].startswith("workload line"), reply)
        check("set-policy refused in debug too", "never allowed" in host.request('{"op":"set-policy"}'))
        host.close()
        # An empty resources file is still a handover: the API runs and refuses what it does not have.
        code, _, body = agent.get("/cdh/resource/default/key/1")
        check("empty handover: the API runs and says what it lacks", code == 500 and b"not fetched at boot" in body)
    finally:
        agent.stop()


def without_handover():
    agent = Agent(BINARY, "{\"version\":1,\"allow\":[\"set-policy\"]}", resources=None, virtio=False)
    try:
        check("no handover: the workload API refuses to start",
              agent.api_port is None and agent.wait_log(r"workload API not started: no boot resources") is not None,
              agent.log_text())
        check("invalid policy reported", agent.wait_log(r"no valid policy, every request is denied") is not None)
        host = agent.host_tcp()
        check("invalid policy denies everything", "denied by policy: status" in host.request('{"op":"status"}'))
        host.close()
    finally:
        agent.stop()


def check_policy_cli():
    for name in ("production", "debug"):
        r = subprocess.run([BINARY, "--check-policy", os.path.join(ROOT, "agent/policy/%s.json" % name)],
                           capture_output=True, text=True)
        check("--check-policy accepts %s.json" % name, r.returncode == 0 and "policy " + name in r.stdout, r)
    r = subprocess.run([BINARY, "--bogus"], capture_output=True, text=True)
    check("unknown argument", r.returncode == 2 and "unknown argument" in r.stderr)


production_agent()
debug_agent()
without_handover()
check_policy_cli()
TALLY.finish()
