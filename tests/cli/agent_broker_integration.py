"""bp-agent with a broker session, end to end on the host (see test-agent-broker.sh)."""

import base64
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_harness import Agent, Tally  # noqa: E402
from broker_harness import Broker, handover as make_handover  # noqa: E402

BUILD = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRODUCTION = open(os.path.join(ROOT, "agent/policy/production.json")).read()

TALLY = Tally("test-agent-broker")
check = TALLY.check


def main_flow(work):
    broker = Broker(work)
    try:
        data = make_handover(broker, work, BUILD)
        check("the handover carries the broker session", b"BPBROKR1" in data)
        agent = Agent(os.path.join(BUILD, "bin/bp-agent"), PRODUCTION, handover=data, sim_socket=broker.sock,
                      boot_only=["kbs:///buckypaper/disk/root"], extra_args=["--api-features", "all"])
        try:
            check("the agent starts with the broker backend",
                  agent.find_log(r"others from the broker at https://127\.0\.0\.1") is not None, agent.log_text())
            status = agent.proc_status()
            check("confined: no capabilities, seccomp", "CapEff:\t0000000000000000" in status and
                  "Seccomp:\t2" in status)
            before = len(broker.decisions())
            code, _, body = agent.get("/cdh/resource/buckypaper/secret/greeting")
            check("boot resource from memory", code == 200 and body == broker.resource("buckypaper/secret/greeting"))
            check("boot resource without the broker", len(broker.decisions()) == before)

            code, _, body = agent.get("/cdh/resource/buckypaper/secret/second")
            check("resource not fetched at boot comes from the broker",
                  code == 200 and body == broker.resource("buckypaper/secret/second"), (code, body))
            released = [d for d in broker.decisions() if d.get("resource") == "buckypaper/secret/second"]
            check("the broker released it to a bearer token",
                  len(released) == 1 and released[0].get("decision") == "released" and
                  released[0].get("token_source") == "bearer", released)
            attests = len(broker.decisions("attest"))
            for _ in range(5):
                code, _, _ = agent.get("/cdh/resource/buckypaper/secret/second")
            check("the token is reused (no new attestation)", code == 200 and
                  len(broker.decisions("attest")) == attests)

            code, _, body = agent.get("/cdh/resource/buckypaper/disk/root")
            check("boot-only resource refused", code == 403 and b"boot-only" in body, (code, body))
            check("boot-only never asked of the broker",
                  not [d for d in broker.decisions() if d.get("resource") == "buckypaper/disk/root" and
                       d.get("token_source") == "bearer"])

            code, _, body = agent.get("/aa/evidence?runtime_data=hello-agent")
            try:
                evidence = json.loads(body)
                report_data = bytes(evidence["attestation_report"]["report_data"])
            except (ValueError, KeyError, TypeError):
                evidence, report_data = None, b""
            check("evidence: SNP evidence JSON", code == 200 and evidence is not None and "cert_chain" in evidence,
                  body[:200])
            check("evidence: runtime data bound as CoCo binds it",
                  report_data == b"hello-agent" + bytes(64 - len("hello-agent")), report_data.hex())

            code, _, body = agent.get("/aa/token?token_type=kbs")
            token = json.loads(body) if code == 200 else {}
            check("token: token and tee_keypair", sorted(token) == ["tee_keypair", "token"] and
                  token["tee_keypair"].startswith("-----BEGIN PRIVATE KEY-----\n"), body[:100])
            # The key pair is the one the token is bound to: the broker's claims name its public key.
            claims = json.loads(base64.urlsafe_b64decode(token["token"].split(".")[1] + "==")) if token else {}
            from cryptography.hazmat.primitives.serialization import load_pem_private_key
            numbers = load_pem_private_key(token["tee_keypair"].encode(), None).public_key().public_numbers() \
                if token else None
            x = base64.urlsafe_b64encode(numbers.x.to_bytes(32, "big")).rstrip(b"=").decode() if numbers else ""
            check("token: the key pair is the token's tee-pubkey", claims.get("tee-pubkey", {}).get("x") == x)

            broker.stop_kbs()
            start = time.time()
            code, _, body = agent.http(b"GET /cdh/resource/buckypaper/secret/second HTTP/1.1\r\nHost: x\r\n\r\n", timeout=15)
            check("broker down: 500 with a clear body", code == 500 and b"from the broker" in body and
                  b"Connection refused" in body, (code, body))
            check("broker down: answered within the request timeout", time.time() - start < 8)
            code, _, body = agent.get("/cdh/resource/buckypaper/secret/greeting")
            check("broker down: boot resources still served", code == 200)
        finally:
            agent.stop()
    finally:
        broker.stop()


def reattest_flow(work):
    # Tokens that live 20 s: within the agent's 30 s margin, so it re-attests
    # (through the simulator) before fetching.
    broker = Broker(work, token_lifetime=20)
    try:
        data = make_handover(broker, work, BUILD)
        agent = Agent(os.path.join(BUILD, "bin/bp-agent"), PRODUCTION, handover=data, sim_socket=broker.sock)
        try:
            attests = len(broker.decisions("attest"))
            code, _, body = agent.get("/cdh/resource/buckypaper/secret/second")
            check("expiring token: the resource arrives", code == 200 and
                  body == broker.resource("buckypaper/secret/second"), (code, body, agent.log_text()))
            check("expiring token: the agent attested again", len(broker.decisions("attest")) == attests + 1)
            check("expiring token: logged", agent.find_log("new attestation token") is not None)
        finally:
            agent.stop()
    finally:
        broker.stop()


work = tempfile.mkdtemp(prefix="bp-agent-broker-")
try:
    main_flow(work)
    reattest_flow(work)
finally:
    shutil.rmtree(work, ignore_errors=True)
TALLY.finish()
