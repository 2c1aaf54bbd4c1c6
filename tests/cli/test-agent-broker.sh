#!/bin/bash
# bp-agent's broker-backed workload API on the host, against the independent
# Python test broker (TLS) and SNP simulator: build/bench/attest stands in for
# bp-init (attests, writes the handover with the token, the TEE key and the
# broker session), then the shipped bp-agent serves a boot resource from
# memory, fetches one that was not fetched at boot with the bearer token,
# answers /aa/evidence and /aa/token, re-attests when the token expires,
# refuses a boot-only resource without asking the broker, and says clearly
# when the broker is down. The checks are in agent_broker_integration.py.
set -u
exec /usr/bin/python3 "$(dirname "$0")/agent_broker_integration.py" "${BUILD:-build}"
