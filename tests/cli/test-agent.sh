#!/bin/bash
# bp-agent on the host: the shipped binary with test paths and ports, its
# workload API and host channel (TCP and a pseudo-terminal standing in for
# the virtio port), and its confinement. The checks are in agent_integration.py.
set -u
exec /usr/bin/python3 "$(dirname "$0")/agent_integration.py" "${BUILD:-build}/bin/bp-agent"
