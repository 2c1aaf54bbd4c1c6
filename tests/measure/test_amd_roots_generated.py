"""lib/snp/amd_roots_data.cc is what lib/snp/amd_roots/generate.py makes of the PEM files next to
it, and those are AMD's chains (their ARK fingerprints as reference/snp.md pins them)."""

import hashlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTS = os.path.join(ROOT, "lib", "snp", "amd_roots")
sys.path.insert(0, ROOTS)
import generate  # noqa: E402

ARK_SHA256 = {
    "milan": "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
    "genoa": "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
    "turin": "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
}


def test_generated_file_is_current():
    p = subprocess.run([sys.executable, os.path.join(ROOTS, "generate.py"), "--check"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr + p.stdout


def test_pem_files_hold_amds_arks():
    for product, fingerprint in ARK_SHA256.items():
        for kind in ("ask", "asvk"):
            intermediate, ark = generate.read_chain(f"{kind}_ark_{product}.pem")
            assert hashlib.sha256(ark).hexdigest() == fingerprint
            assert intermediate != ark
