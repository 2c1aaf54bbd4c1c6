#!/usr/bin/python3
# Writes the seed corpora under tests/fuzz/corpus/<target>/ from the real
# test data in tests/data/, the examples of init/README.md and
# tests/unit/init/test_config_parse.cc, and the published test vectors the
# unit tests use. Binary layouts match the FuzzInput fields each
# fuzz_<target>.cc documents. Files named regression-* (inputs that once
# crashed) are never touched. Run from the repository root:
#   /usr/bin/python3 tests/fuzz/make-seeds.py
import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import tempfile
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

CORPUS = "tests/fuzz/corpus"
DATA = "tests/data"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(target, name, content):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)


def pem_certificates(path):
    blocks = re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", read(path), re.S)
    return [x509.load_pem_x509_certificate(block) for block in blocks]


# ---- certificates ---------------------------------------------------------

vcek = x509.load_der_x509_certificate(read(f"{DATA}/snp/milan-v2-debug.vcek.der"))
milan_ask, milan_ark = pem_certificates(f"{DATA}/snp/ask_ark_milan.pem")
genoa_ask, genoa_ark = pem_certificates(f"{DATA}/snp/ask_ark_genoa.pem")
certificates = {
    "milan-vcek": vcek,
    "milan-ask": milan_ask,
    "milan-ark": milan_ark,
    "genoa-ark": genoa_ark,
    "ec-ca": x509.load_der_x509_certificate(read(f"{DATA}/x509/ec-ca.der")),
    "ec-leaf": x509.load_der_x509_certificate(read(f"{DATA}/x509/ec-leaf.der")),
    "ec-sha1-leaf": x509.load_der_x509_certificate(read(f"{DATA}/x509/ec-sha1-leaf.der")),
    "rsa1024-ca": x509.load_der_x509_certificate(read(f"{DATA}/x509/rsa1024-ca.der")),
}

for name, certificate in certificates.items():
    write("x509_der", f"{name}.der", certificate.public_bytes(serialization.Encoding.DER))
    write("x509_extensions", f"{name}.tbs", certificate.tbs_certificate_bytes)

write("x509_pem", "ask-ark-milan.pem", read(f"{DATA}/snp/ask_ark_milan.pem"))
write("x509_pem", "ask-ark-genoa.pem", read(f"{DATA}/snp/ask_ark_genoa.pem"))
leaf_pem = certificates["ec-leaf"].public_bytes(serialization.Encoding.PEM).decode()
ca_pem = certificates["ec-ca"].public_bytes(serialization.Encoding.PEM).decode()
write("x509_pem", "ec-chain-with-comments.pem", f"# leaf\n{leaf_pem}\n# its CA\r\n{ca_pem}")
write("x509_pem", "vcek.pem", vcek.public_bytes(serialization.Encoding.PEM))


# ---- object identifiers ---------------------------------------------------

def oid_contents(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray()
    for i, arc in enumerate([arcs[0] * 40 + arcs[1]] + arcs[2:]):
        groups = [arc & 0x7F]
        arc >>= 7
        while arc:
            groups.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(groups))
    return bytes(out)


# One of each shape among the certificates' OIDs: short and long arcs,
# AMD's VCEK extensions, a test-only private arc, and the widest arc the
# decoder takes.
oids = set()
for certificate in certificates.values():
    oids.add(certificate.signature_algorithm_oid.dotted_string)
    for extension in certificate.extensions:
        oids.add(extension.oid.dotted_string)
for dotted in ["1.2.840.10045.4.3.2", "1.2.840.113549.1.1.10", "1.3.6.1.4.1.3704.1.3.1",
               "1.3.6.1.4.1.3704.1.4", "2.5.29.19", "2.5.29.35", "1.3.6.1.4.1.55555.1"]:
    assert dotted in oids, dotted
    write("asn1_oid", f"{dotted}.oid", oid_contents(dotted))
write("asn1_oid", "2.999.18446744073709551615.oid", oid_contents("2.999.18446744073709551615"))


# ---- EC public keys (fuzz_ec_public_key.cc layout) ------------------------

def ec_input(curve_index, coordinates, point, digest=b"", r=b"", s=b""):
    if coordinates:
        point = point[1:]
    return bytes([curve_index, coordinates, len(point)]) + point + bytes([len(digest)]) + digest + \
        bytes([len(r)]) + r + s


def uncompressed(public_key):
    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


# The SNP report's own signature: SHA-384 over bytes 0..0x29f, r and s as
# 72-byte little-endian fields at 0x2a0, made with the VCEK's key.
report = read(f"{DATA}/snp/milan-v2-debug.bin")
r_le, s_le = report[0x2A0:0x2E8], report[0x2E8:0x330]
vcek_point = uncompressed(vcek.public_key())
write("ec_public_key", "vcek-p384-report-signature",
      ec_input(1, 0, vcek_point, hashlib.sha384(report[:0x2A0]).digest(), r_le[::-1], s_le[::-1]))
write("ec_public_key", "vcek-p384-coordinates", ec_input(1, 1, vcek_point))

# ec-leaf is signed by ec-ca with ECDSA over SHA-256.
leaf, ca = certificates["ec-leaf"], certificates["ec-ca"]
r, s = decode_dss_signature(leaf.signature)
size = (ca.public_key().curve.key_size + 7) // 8
write("ec_public_key", "ec-ca-p256-leaf-signature",
      ec_input(0, 0, uncompressed(ca.public_key()), hashlib.sha256(leaf.tbs_certificate_bytes).digest(),
               r.to_bytes(size, "big"), s.to_bytes(size, "big")))

# Each curve's generator (private key 1) in both forms.
for index, curve in enumerate([ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()]):
    generator = uncompressed(ec.derive_private_key(1, curve).public_key())
    write("ec_public_key", f"generator-{curve.name}", ec_input(index, 0, generator, b"\x01" * 32, b"\x01", b"\x01"))
    write("ec_public_key", f"generator-{curve.name}-coordinates", ec_input(index, 1, generator))


# ---- AES key unwrap: RFC 3394 section 4 -----------------------------------

KEK = bytes(range(32))
for number, kek_size, wrapped in [
    ("4.1", 16, "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"),
    ("4.2", 24, "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"),
    ("4.3", 32, "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"),
    ("4.4", 24, "031d33264e15d33268f24ec260743edce1c6c7ddee725a936ba814915c6762d2"),
    ("4.5", 32, "a8f9bc1612c68b3ff6e6f4fbe30e71e4769c8b80a32cb8958cd5d17d6b254da1"),
    ("4.6", 32, "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"),
]:
    write("aes_key_unwrap", f"rfc3394-{number}", bytes([(kek_size - 16) // 8]) + KEK[:kek_size] + bytes.fromhex(wrapped))


# ---- AES-GCM: McGrew and Viega's test cases -------------------------------

def gcm_input(key, iv, aad, tag, ciphertext):
    key, iv, aad, tag, ciphertext = (bytes.fromhex(x) for x in (key, iv, aad, tag, ciphertext))
    return bytes([(len(key) - 16) // 8]) + key + bytes([len(iv)]) + iv + bytes([len(aad)]) + aad + \
        bytes([len(tag)]) + tag + ciphertext


K = "feffe9928665731c6d6a8f9467308308"
AAD = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
write("aes_gcm_decrypt", "gcm-case-4", gcm_input(
    K, "cafebabefacedbaddecaf888", AAD, "5bc94fbc3221a5db94fae95ae7121a47",
    "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
    "1ba30b396a0aac973d58e091"))
write("aes_gcm_decrypt", "gcm-case-13", gcm_input("00" * 32, "00" * 12, "", "530f8afbc74536b9a963b4f1c4cb738b", ""))
write("aes_gcm_decrypt", "gcm-case-14", gcm_input(
    "00" * 32, "00" * 12, "", "d0d1c8a799996bf0265b98b5d48ab919", "cea7403d4d606b6e074ec5d3baf39d18"))
write("aes_gcm_decrypt", "gcm-case-17-8-byte-iv", gcm_input(
    K + K, "cafebabefacedbad", AAD, "3a337dbf46a792c45e454913fe2ea8f2",
    "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0feb582d33934a4f0954cc2363bc73f78"
    "62ac430e64abe499f47c9b1f"))


# ---- JSON -----------------------------------------------------------------

with open("tests/unit/init/test_config_parse.cc") as f:
    unit_test = f.read()
full = re.search(r'kFull = R"\((.*?)\)";', unit_test, re.S).group(1)
minimal = re.search(r'kMinimal = R"\((.*?)\)";', unit_test, re.S).group(1)
with open("init/README.md") as f:
    readme_example = re.search(r"```json\n(.*?)```", f.read(), re.S).group(1)
readme_example = readme_example.replace('"root_hash": "<hex>"', '"root_hash": "' + "ab" * 32 + '"')
readme_example = readme_example.replace('"salt": "<hex>"', '"salt": "0123"')

evidence = read(f"{DATA}/trustee/snp-evidence-genoa.json")
write("json", "trustee-snp-evidence-genoa.json", evidence)
write("json", "init-full.json", full)
write("json", "init-readme.json", readme_example)
write("json", "rfc8785-sample.json", r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}""")
write("json", "rfc8785-sort-order.json",
      r'{"\u20ac": "Euro", "\r": "CR", "\ufb33": "Dalet", "1": "One", "\ud83d\ude00": "Emoji", "\u0080": "C1"}')
write("json", "numbers.json",
      "[0, -0, 1e18, -9223372036854775808, 9223372036854775807, 9007199254740993, 1.5e300, 5e-324, 1e21, 0.1]")
write("json", "byte-strings.json",
      '{"hex": "00ff", "b64": "AAE=", "b64url": "AAE", "bytes": [0, 255, 16], "strings": ["a", "b"]}')
write("json", "depth-16.json", "[" * 15 + "{}" + "]" * 15)
write("json", "scalar.json", '"\\u00e9t\\u00e9 \\ud83d\\ude00"')

write("init_config", "unit-test-full", full + "\0console=ttyS0 bp.log_level=debug")
write("init_config", "unit-test-minimal", minimal + "\0")
write("init_config", "readme-example", readme_example + '\0quiet "bp.log_level=warning" -- init-arg')
write("init_config", "plain-http-kernel-network", minimal.replace(
    '"url": "https://kbs.example:8080", "ca_cert": "/ca.pem"',
    '"url": "http://10.0.2.2:8080", "allow_plain_http": true').replace(
    '"disks"', '"network": {"mode": "kernel", "wait_ms": 100},\n  "attestation": {"provider": "sim", "allow_sim": true},\n  "disks"')
    + "\0bp.log_level=error")


# ---- text decoders and the kernel command line ----------------------------

der = vcek.public_bytes(serialization.Encoding.DER)
write("encoding", "hex-lower", der[:48].hex())
write("encoding", "hex-upper", der[:48].hex().upper())
write("encoding", "base64-vcek", base64.b64encode(der[:300]))
write("encoding", "base64-padding-1", base64.b64encode(b"\x01\x02"))
write("encoding", "base64-padding-2", base64.b64encode(b"\x01"))
write("encoding", "base64url-jwe-header", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ")
write("encoding", "base64url-padded", base64.urlsafe_b64encode(b"\xfb\xff"))

write("kernel_cmdline", "unit-test",
      'console=ttyS0  panic=-1 quiet bp.log_level=debug "bp.x=a b" bp.y="c d" rd.z= -- init-arg bp.ignored=1\n')
write("kernel_cmdline", "qemu-snp",
      "console=ttyS0 earlyprintk=serial ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off "
      "bp.log_level=info rdinit=/init")
write("kernel_cmdline", "quotes-and-tabs", 'a="" "" b\t"c=d e"\t=x --=y "--"')
write("kernel_cmdline", "too-long", "bp.log_level=" + "x" * 4084)  # one byte over the limit

# The number, address and UUID spellings of init.json (init/README.md) and disk headers.
for name, text in [("decimal", "4194304"), ("decimal-max", "18446744073709551615"), ("hex", "0xDeadBeef"),
                   ("ipv4", "10.0.2.15"), ("ipv4-cidr", "10.0.2.15/24"), ("ipv4-cidr-zero", "0.0.0.0/0"),
                   ("uuid", "12345678-9ABC-def0-1234-56789abcdef0"),
                   ("rfc3339-offset-fraction", "2025-06-01T14:00:00.5+02:00"), ("rfc3339-leap", "2016-12-31t23:59:60Z")]:
    write("numbers", name, text)


# ---- dm-verity superblocks, written by veritysetup itself -----------------

def veritysetup_superblock(data_blocks, data_block_size, hash_block_size, salt):
    with tempfile.TemporaryDirectory() as directory:
        data, tree = os.path.join(directory, "data"), os.path.join(directory, "tree")
        with open(data, "wb") as f:
            f.write(bytes(range(256)) * (data_blocks * data_block_size // 256))
        subprocess.run(["veritysetup", "format", data, tree, f"--data-block-size={data_block_size}",
                        f"--hash-block-size={hash_block_size}", f"--salt={salt or '-'}",
                        "--uuid=12345678-9abc-def0-1234-56789abcdef0"], check=True, capture_output=True)
        return read(tree)[:512]


for data_blocks, data_block_size, hash_block_size, salt in [
        (8, 4096, 4096, "00" * 32), (64, 512, 1024, "ab"), (3, 1024, 512, ""), (2, 4096, 4096, "5a" * 256)]:
    write("verity_superblock", f"veritysetup-{data_blocks}x{data_block_size}-hash{hash_block_size}-salt{len(salt) // 2}",
          veritysetup_superblock(data_blocks, data_block_size, hash_block_size, salt))


# ---- OVMF: the last 4 KiB of real firmware images (tests/data/snp/ovmf/) --

write("ovmf", "AmdSev-suffix", read(f"{DATA}/snp/ovmf/ovmf_AmdSev_suffix.bin"))
write("ovmf", "OvmfX64-suffix", read(f"{DATA}/snp/ovmf/ovmf_OvmfX64_suffix.bin"))
write("ovmf", "AmdSev-footer-table-only", read(f"{DATA}/snp/ovmf/ovmf_AmdSev_suffix.bin")[-512:])


# ---- SNP report, certificate table, simulator frames, evidence JSON -------

write("snp_report", "milan-v2-debug.bin", report)

GUIDS = {"VCEK": "63da758d-e664-4564-adc5-f4b93be8accd", "ASK": "4ab7b379-bbac-4fe4-a02f-05aef327c782",
         "ARK": "c0b406a4-a803-4952-9743-3fb6014cd0ae"}


def cert_table(entries):
    """entries: (kind, data); the layout of lib/snp/cert_table.h."""
    table_size = 24 * (len(entries) + 1)
    head, body = b"", b""
    for kind, data in entries:
        head += uuid.UUID(GUIDS[kind]).bytes + struct.pack("<II", table_size + len(body), len(data))
        body += data
    return head + bytes(24) + body


def der_of(certificate):
    return certificate.public_bytes(serialization.Encoding.DER)


vcek_table = cert_table([("VCEK", der_of(vcek))])
write("snp_cert_table", "vcek", vcek_table)
write("snp_cert_table", "vcek-ask-ark", cert_table([("VCEK", der_of(vcek)), ("ASK", der_of(milan_ask)),
                                                    ("ARK", der_of(milan_ark))]))
write("snp_cert_table", "empty-zero-filled", bytes(64))

SIM_MAGIC, SIM_VERSION = 0x4D495342, 1
write("snp_sim_frames", "request", struct.pack("<IIII", SIM_MAGIC, SIM_VERSION, 7, 0) + report[0x50:0x90])
write("snp_sim_frames", "response-report-and-vcek",
      struct.pack("<IIIIII", SIM_MAGIC, SIM_VERSION, 7, 0, len(report), len(vcek_table)) + report + vcek_table)
write("snp_sim_frames", "response-report-only",
      struct.pack("<IIIIII", SIM_MAGIC, SIM_VERSION, 8, 0, len(report), 0) + report)
write("snp_sim_frames", "response-invalid-param", struct.pack("<IIIIII", SIM_MAGIC, SIM_VERSION, 9, 0x16, 0, 0))

write("snp_evidence_json", "trustee-snp-evidence-genoa.json", evidence)
evidence_null_chain = re.sub(rb'"cert_chain":\[.*\]', b'"cert_chain":null', evidence)
write("snp_evidence_json", "genoa-without-cert-chain.json", evidence_null_chain)


# ---- HTTP requests (the agent's APIs) and responses (the broker's) --------
# The first byte cuts the rest into feed() calls of (byte % 64) + 1 bytes.

def http(piece, text):
    return bytes([piece]) + (text.encode() if isinstance(text, str) else text)


write("http_request", "get-resource", http(63, "GET /cdh/resource/default/key/1 HTTP/1.1\r\nHost: 127.0.0.1:8006\r\n\r\n"))
write("http_request", "get-query-small-pieces",
      http(2, "GET /aa/token?token_type=kbs&x=%2Fa+b HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n"))
write("http_request", "post-body",
      http(17, "POST /aa/evidence?runtime_data=abc HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
               "Content-Length: 13\r\n\r\n{\"a\": [1, 2]}"))
write("http_request", "http10-no-host", http(0, "GET / HTTP/1.0\r\n\r\n"))

challenge = '{"nonce":"D4rJxLkQ0cq2f1yeI4m0cNquQ9Hc7Jd0s1f0aUVrp0A=","extra-params":""}'
write("http_response", "auth-challenge-with-cookie", http(63,
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
      "set-cookie: kbs-session-id=1a2b3c4d5e6f; Expires=Thu, 26 Nov 2026 16:00:00 GMT; Path=/\r\n"
      f"content-length: {len(challenge)}\r\n\r\n{challenge}"))
write("http_response", "chunked-small-pieces", http(4,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"tok\r\nb;ext=1\r\nen\":\"a.b.c\"\r\n0\r\nX-Trailer: 1\r\n\r\n"))
error_body = ('{"type":"https://github.com/confidential-containers/kbs/errors/AttestationError",'
              '"detail":"Attestation failed: evidence verification"}')
write("http_response", "broker-error-401", http(31,
      f"HTTP/1.1 401 Unauthorized\r\nContent-Length: {len(error_body)}\r\nConnection: close\r\n\r\n{error_body}"))
write("http_response", "continue-then-until-close", http(9,
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until the connection closes"))


# ---- KBS: JWE resource responses and the other broker messages ------------

# The fuzz target's fixed TEE key (fuzz_jwe.cc): RFC 6979 A.2.5's P-256 scalar.
TEE_D = int("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16)
tee_numbers = ec.derive_private_key(TEE_D, ec.SECP256R1()).public_key().public_numbers()
tee_jwk = json.dumps({"kty": "EC", "crv": "P-256",
                      "x": base64.urlsafe_b64encode(tee_numbers.x.to_bytes(32, "big")).rstrip(b"=").decode(),
                      "y": base64.urlsafe_b64encode(tee_numbers.y.to_bytes(32, "big")).rstrip(b"=").decode()})
for shape in ["jwe-trustee", "jwe-jwcrypto"]:
    # Ephemeral keys are random: each run of this script writes new (equally valid) messages.
    message = subprocess.run(["/usr/bin/python3", "tests/unit/kbs/jose_reference.py", shape, tee_jwk,
                              b"root disk key: 32 bytes of key..".hex()],
                             check=True, capture_output=True, text=True).stdout.strip()
    write("jwe", f"{shape[4:]}-shaped.json", message)

write("kbs_responses", "challenge.json", challenge)
write("kbs_responses", "challenge-extra-params.json",
      '{"nonce": "bm9uY2U", "extra-params": {"selected-hash-algorithm": "sha384"}}')
write("kbs_responses", "attest-token.json", '{"token": "eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjE3MDB9.c2lnbmF0dXJl"}')
write("kbs_responses", "error-body.json", error_body)
write("kbs_responses", "resource-uri", "kbs:///default/key/root-disk_1.v2")


# ---- bp-agent: host channel stream and policy files ------------------------

write("host_channel", "every-op", b"".join(line.encode() + b"\n" for line in [
    '{"op": "status", "id": 1}',
    '{"op": "exec", "argv": ["/bin/sh", "-c", "id"], "timeout_ms": 1000, "id": "e1"}',
    '{"op": "logs", "max_bytes": 100}',
    '{"op": "shutdown"}',
    '{"op": "set-policy", "policy": {}}',
]))
write("host_channel", "crlf-and-garbage", b'{"op":"status"}\r\nnot json\r\n{"op": 1}\n' + b"x" * 1100 + b"\n{")
write("agent_policy", "production.json", read("agent/policy/production.json"))
write("agent_policy", "debug.json", read("agent/policy/debug.json"))


# ---- OCI bundle config and seccomp profiles --------------------------------

with open("tests/unit/oci/test_spec_json.cc") as f:
    write("oci_config", "unit-test-full.json", re.search(r'kFull\[\] = R"\((.*?)\)";', f.read(), re.S).group(1))
write("oci_config", "minimal.json",
      '{"ociVersion": "1.0.2", "root": {"path": "/rootfs"}, "process": {"args": ["/bin/true"], "cwd": "/"}}')
write("seccomp_profile", "rootfs-seccomp-default.json", read("rootfs/seccomp-default.json"))
write("seccomp_profile", "small-with-args.json", json.dumps({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}))


# ---- LUKS2: primary header copies written by cryptsetup luksFormat ---------
# (salts and keys are random: each run writes new, equally valid headers)

def luks2_primary_copy(key_bits, sector_size):
    with tempfile.TemporaryDirectory() as directory:
        image = os.path.join(directory, "disk")
        with open(image, "wb") as f:
            f.truncate(20 << 20)
        subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
                        "--pbkdf-force-iterations", "1000", "--hash", "sha256", "--cipher", "aes-xts-plain64",
                        f"--key-size={key_bits}", f"--sector-size={sector_size}", "--luks2-metadata-size=16k",
                        "--luks2-keyslots-size=1m", "--uuid=12345678-9abc-def0-1234-56789abcdef0",
                        "--key-file=-", image], input=b"fuzz seed passphrase", check=True, capture_output=True)
        return read(image)[:16384]


for key_bits, sector_size in [(512, 4096), (256, 512)]:
    copy = luks2_primary_copy(key_bits, sector_size)
    write("luks2_header", f"cryptsetup-xts{key_bits}-sector{sector_size}", copy)
    write("luks2_metadata", f"cryptsetup-xts{key_bits}-sector{sector_size}.json", copy[4096:].split(b"\0")[0])


# ---- AMD's VCEK extensions; whole evidence against the pinned roots -------

write("snp_vek_extensions", "milan-vcek.der", der_of(vcek))
write("snp_vek_extensions", "milan-ask-no-extensions.der", der_of(milan_ask))
write("snp_authenticity", "milan-report-vcek", report + vcek_table)
write("snp_authenticity", "milan-report-full-chain",
      report + cert_table([("VCEK", der_of(vcek)), ("ASK", der_of(milan_ask)), ("ARK", der_of(milan_ark))]))
