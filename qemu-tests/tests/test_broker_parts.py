"""JCS, JWE, tokens, reference values, resource rules and the verifier on real evidence."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import struct
from pathlib import Path
from typing import Any, Dict

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk as jwcrypto_jwk

from broker import jcs, jwe, refvalues
from broker.resource_policy import ResourcePolicy, ResourcePolicyError
from broker.token import TokenAuthority, TokenError
from broker.verifier import AttestationFailure, SnpVerifier, TrustAnchors, expected_report_data
from kbs_client import TeeKey, b64url_decode

# --- JCS (RFC 8785) ---------------------------------------------------------------


def test_jcs_rfc8785_examples() -> None:
    # RFC 8785 3.2.2.3: IEEE 754 bit patterns and their ECMAScript forms.
    for bits, text in [("0000000000000000", "0"), ("8000000000000000", "0"),
                       ("0000000000000001", "5e-324"),
                       ("7fefffffffffffff", "1.7976931348623157e+308"),
                       ("4340000000000000", "9007199254740992"), ("444b1ae4d6e2ef50", "1e+21"),
                       ("444b1ae4d6e2ef4f", "999999999999999900000"),
                       ("3eb0c6f7a0b5ed8d", "0.000001"), ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]:
        value = struct.unpack(">d", bytes.fromhex(bits))[0]
        assert jcs.canonicalize(value) == text.encode(), bits
    # RFC 8785 3.2.3's sample input and output.
    doc = json.loads('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
                     '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
                     '"literals": [null, true, false]}')
    assert jcs.canonicalize(doc) == ('{"literals":[null,true,false],"numbers":[333333333.3333333,'
                                     '1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
                                     ).encode()
    # Trustee's attestation-service vector (kbs-coco-kata.md 1.7).
    assert hashlib.sha384(jcs.canonicalize({"b": 1, "a": "test", "c": {"d": "e"}})).hexdigest() == (
        "e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
        "4597480a186427c813ca941da78870c3")
    # Keys sort by UTF-16 code units: U+1F600 (D83D DE00) before U+FB01.
    assert jcs.canonicalize({"\ufb01": 1, "\U0001f600": 2}) == '{"😀":2,"ﬁ":1}'.encode()
    for bad in (float("nan"), {1: 2}, 2**60, "\ud800", object()):
        with pytest.raises(jcs.JcsError):
            jcs.canonicalize(bad)


def test_report_data_binding_matches_a_hand_written_canonical_form() -> None:
    key = TeeKey()
    nonce = "n0nce+/=="
    assert expected_report_data(nonce, key.jwk, "") == key.report_data(nonce)
    assert len(key.report_data(nonce)) == 64 and key.report_data(nonce)[48:] == bytes(16)


# --- JWE -------------------------------------------------------------------------------


def test_concat_kdf_rfc7518_appendix_c() -> None:
    alice = ec.derive_private_key(int.from_bytes(
        b64url_decode("0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"), "big"), ec.SECP256R1())
    bob = ec.EllipticCurvePublicNumbers(
        int.from_bytes(b64url_decode("weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ"), "big"),
        int.from_bytes(b64url_decode("e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"), "big"),
        ec.SECP256R1()).public_key()
    z = alice.exchange(ec.ECDH(), bob)
    assert jwe.b64url(jwe.concat_kdf(z, "A128GCM", 128, b"Alice", b"Bob")) == "VqqN6vgjbSBcIijNcacQGg"


def _jwk(private: ec.EllipticCurvePrivateKey, crv: str, size: int) -> Dict[str, str]:
    n = private.public_key().public_numbers()
    return {"kty": "EC", "crv": crv, "alg": "ECDH-ES+A256KW",
            "x": jwe.b64url(n.x.to_bytes(size, "big")), "y": jwe.b64url(n.y.to_bytes(size, "big"))}


@pytest.mark.parametrize("curve, crv, size", [(ec.SECP256R1, "P-256", 32), (ec.SECP521R1, "P-521", 66)])
def test_jwe_decrypts_with_jwcrypto(curve: Any, crv: str, size: int) -> None:
    private = ec.generate_private_key(curve())
    recipient = jwe.TeePubKey.from_json(_jwk(private, crv, size))
    flattened = jwe.encrypt(b"the disk key", recipient)
    assert set(flattened) == {"protected", "encrypted_key", "iv", "ciphertext", "tag"}
    assert len(b64url_decode(flattened["encrypted_key"])) == 40
    assert len(b64url_decode(flattened["iv"])) == 12 and len(b64url_decode(flattened["tag"])) == 16
    token = jwcrypto_jwe.JWE()
    token.deserialize(json.dumps(flattened), key=jwcrypto_jwk.JWK.from_pyca(private))
    assert token.payload == b"the disk key"
    # The protected header is the AAD: changing it breaks decryption.
    header = json.loads(b64url_decode(flattened["protected"]))
    header["zip"] = "none"
    tampered = dict(flattened, protected=jwe.b64url(json.dumps(header).encode()))
    with pytest.raises(Exception):
        jwcrypto_jwe.JWE().deserialize(json.dumps(tampered), key=jwcrypto_jwk.JWK.from_pyca(private))


def test_tee_pubkey_validation() -> None:
    good = _jwk(ec.generate_private_key(ec.SECP256R1()), "P-256", 32)
    jwe.TeePubKey.from_json(good)
    cases = [
        (dict(good, use="enc"), "exactly the members"),
        (dict(good, alg="RSA-OAEP-256"), "kty EC"),
        (dict(good, crv="P-384"), "curve"),
        (dict(good, x=good["x"][:-4]), "32 bytes"),
        (dict(good, x=good["x"][:-2]), "base64url"),
        (dict(good, x="+" + good["x"][1:]), "base64url"),
        (dict(good, x=good["x"] + "="), "base64url"),
        (dict(good, y=good["x"]), "not a point"),
        ("string", "object"),
    ]
    for value, message in cases:
        with pytest.raises(jwe.TeeKeyError, match=message):
            jwe.TeePubKey.from_json(value)


# --- tokens ----------------------------------------------------------------------------


def test_tokens() -> None:
    authority = TokenAuthority(lifetime_seconds=60)
    token = authority.issue("s1", {"kty": "EC"}, {"measurement": "ab"})
    claims = authority.verify(token)
    assert claims["session"] == "s1" and claims["snp"] == {"measurement": "ab"}
    assert claims["exp"] - claims["iat"] == 60
    with pytest.raises(TokenError):
        TokenAuthority().verify(token)  # another broker's key
    with pytest.raises(TokenError):
        authority.verify(token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    expired = TokenAuthority(lifetime_seconds=-1)
    with pytest.raises(TokenError, match="expired"):
        expired.verify(expired.issue("s", {}, {}))


# --- reference values and resource rules --------------------------------------------


def _refs(**snp: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "measurements": [{"vcpus": 2, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU",
                          "guest_features": "0x1", "launch_digest": "ab" * 48}],
        "guest_policy": "0x30000", "allow_debug": False, "host_data": "cd" * 32,
        "minimum_tcb": {"bootloader": 1, "tee": 2, "snp": 3, "microcode": 4}}
    base.update(snp)
    return {"version": 1, "snp": base, "verity_root_hash": "00ff", "future_member": True}


def test_reference_values_parse() -> None:
    refs = refvalues.parse(_refs())
    assert refs.guest_policy == 0x30000 and not refs.allow_debug
    assert refs.host_data == b"\xcd" * 32 and refs.verity_root_hash == "00ff"
    assert (refs.minimum_tcb.bootloader, refs.minimum_tcb.microcode) == (1, 4)
    match = refs.match(b"\xab" * 48)
    assert match is not None and (match.vcpus, match.guest_features) == (2, 1)
    assert refs.match(b"\xac" * 48) is None
    assert refvalues.parse(_refs(host_data=None)).host_data is None


@pytest.mark.parametrize("change, message", [
    ({"measurements": []}, "empty"),
    ({"measurements": [{"launch_digest": "ab"}]}, "96 hex"),
    ({"guest_policy": 196608}, "must be str"),
    ({"guest_policy": "policy"}, "not an integer"),
    ({"allow_debug": "no"}, "must be bool"),
    ({"host_data": "cd"}, "64 hex"),
    ({"minimum_tcb": {"bootloader": 1}}, "lacks 'tee'"),
    ({"minimum_tcb": {"bootloader": 300, "tee": 0, "snp": 0, "microcode": 0}}, "not a byte"),
])
def test_reference_values_errors(change: Dict[str, Any], message: str) -> None:
    with pytest.raises(refvalues.ReferenceValuesError, match=message):
        refvalues.parse(_refs(**change))
    with pytest.raises(refvalues.ReferenceValuesError, match="version"):
        refvalues.parse(dict(_refs(), version=2))


def test_resource_rules() -> None:
    policy = ResourcePolicy.parse({"version": 1, "rules": [
        {"resource": "default/keys/root", "measurements": ["ab" * 48]},
        {"resource": "default/debug/*", "allow_debug": True},
        {"resource": "default/*/*", "allow": False},
    ]})
    prod = {"measurement": "ab" * 48, "debug_allowed": False}
    debug = {"measurement": "ab" * 48, "debug_allowed": True}
    assert policy.decide("default/keys/root", prod).allowed
    assert not policy.decide("default/keys/root", {"measurement": "cd" * 48}).allowed
    assert not policy.decide("default/keys/root", debug).allowed
    assert policy.decide("default/debug/x", debug).allowed
    assert not policy.decide("default/keys/data", prod).allowed
    assert not policy.decide("other/keys/root", prod).allowed  # no rule matches
    assert ResourcePolicy.allow_all().decide("any/thing/here", debug).allowed
    for bad in ({"version": 2, "rules": []}, {"version": 1},
                {"version": 1, "rules": [{"resource": "a", "extra": 1}]},
                {"version": 1, "rules": [{"resource": "a", "measurements": ["zz"]}]}):
        with pytest.raises(ResourcePolicyError):
            ResourcePolicy.parse(bad)


# --- the verifier on Trustee's real Genoa evidence -------------------------------------


def _genoa_verifier(testdata: Path, trust: Path, measurement: str) -> SnpVerifier:
    refs = refvalues.parse({"version": 1, "snp": {
        "measurements": [{"vcpus": 1, "vcpu_type": "EPYC-Genoa", "vmm_type": "QEMU",
                          "guest_features": "0x1", "launch_digest": measurement}],
        "guest_policy": "0x30000", "allow_debug": False,
        "minimum_tcb": {"bootloader": 10, "tee": 0, "snp": 23, "microcode": 25}}})
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    return SnpVerifier(TrustAnchors.load([trust]), refs, now=now)


def test_real_genoa_evidence_is_authentic_under_amds_pinned_ark(testdata: Path, tmp_path: Path,
                                                                genoa_chain: Any) -> None:
    doc = json.loads((testdata / "snp-evidence-genoa.json").read_text())
    measurement = bytes(doc["attestation_report"]["measurement"]).hex()
    verifier = _genoa_verifier(testdata, testdata / "ask_ark_genoa.pem", measurement)
    authentic = verifier.authenticate(doc)
    assert authentic.chain.ark.subject.rfc4514_string().startswith("CN=ARK-Genoa")
    claims = verifier.appraise(authentic.report, authentic.report.report_data)
    assert claims["measurement"] == measurement and claims["product"] == "Genoa"
    # Its report_data was made for another session: refused on freshness.
    with pytest.raises(AttestationFailure) as failure:
        verifier.appraise(authentic.report, bytes(64))
    assert failure.value.check == "report_data"
    # The same evidence is not authentic for a broker that pins another ARK.
    (tmp_path / "test.pem").write_bytes(genoa_chain.ask_ark_pem())
    with pytest.raises(AttestationFailure) as failure:
        _genoa_verifier(testdata, tmp_path / "test.pem", measurement).authenticate(doc)
    assert failure.value.check == "cert_chain"
    # Nor with the Milan ARK.
    with pytest.raises(AttestationFailure):
        _genoa_verifier(testdata, testdata / "ask_ark_milan.pem", measurement).authenticate(doc)
    # One bit of the measurement changed: the signature no longer verifies.
    doc["attestation_report"]["measurement"][0] ^= 1
    with pytest.raises(AttestationFailure) as failure:
        verifier.authenticate(doc)
    assert failure.value.check == "signature"


def test_mangled_evidence_only_ever_fails_attestation(tmp_path: Path, genoa_chain: Any) -> None:
    """Untrusted input: every corruption ends in AttestationFailure, never another exception."""
    from snp.certs import generate_vcek
    from snp.evidence import CertEntry, evidence_to_json
    from snp.firmware import DEFAULT_TCB, GuestLaunch, SecureProcessor

    (tmp_path / "trust.pem").write_bytes(genoa_chain.ask_ark_pem())
    measurement = "5a" * 48
    verifier = _genoa_verifier(Path("."), tmp_path / "trust.pem", measurement)
    verifier._now = None  # the generated chain is valid now
    processor = SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB),
                                GuestLaunch(measurement=bytes.fromhex(measurement)))
    report = processor.report(bytes(64), 0)
    good = evidence_to_json(report, [CertEntry("VCEK", processor.vcek.der)])
    verifier.authenticate(good)
    vcek = processor.vcek.der
    rng = random.Random(9)
    variants = [vcek[:n] for n in (0, 1, 10, 100, len(vcek) - 1)]
    for _ in range(300):
        mangled = bytearray(vcek)
        mangled[rng.randrange(len(vcek))] ^= 1 << rng.randrange(8)
        variants.append(bytes(mangled))
    for data in variants:
        doc = json.loads(json.dumps(good))
        doc["cert_chain"][0]["data"] = list(data)
        try:
            verifier.authenticate(doc)
        except AttestationFailure:
            continue
        # A flip in the unsigned outer parts could leave a valid certificate; the key and
        # extensions are signed, so what passes must still be the same VCEK.
        assert x509.load_der_x509_certificate(data).tbs_certificate_bytes == \
            x509.load_der_x509_certificate(vcek).tbs_certificate_bytes
