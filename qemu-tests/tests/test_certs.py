"""The generated ARK/ASK/VCEK chain against AMD's real certificates, verified independently."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from snp import amd_x509 as amd
from snp import chain as chainmod
from snp import der
from snp.certs import CaChain, generate_vcek
from snp.tcb import Tcb

TCB = Tcb(bootloader=10, tee=0, snp=23, microcode=25)


def _real_genoa(testdata: Path) -> Tuple[x509.Certificate, x509.Certificate, x509.Certificate]:
    ask, ark = chainmod.load_pem_certificates(testdata / "ask_ark_genoa.pem")
    doc = json.loads((testdata / "snp-evidence-genoa.json").read_text())
    vcek = x509.load_der_x509_certificate(bytes(doc["cert_chain"][0]["data"]))
    return ark, ask, vcek


def _tbs_fields(cert: x509.Certificate) -> List[der.Element]:
    outer = der.children(der.read_single(chainmod.der_of(cert), der.SEQUENCE).content)
    return der.children(outer[0].content)


def _extension_layout(cert: x509.Certificate) -> List[Tuple[str, bool, int]]:
    """(OID, critical, tag of the extnValue content) for each extension, in order."""
    out = []
    for ext in cert.extensions:
        raw = ext.value.value if isinstance(ext.value, x509.UnrecognizedExtension) else None
        tag = raw[0] if raw is not None and ext.oid.dotted_string != amd.HW_ID else -1
        out.append((ext.oid.dotted_string, ext.critical, tag))
    return out


def _pss_verify(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """Independent of snp.chain: cryptography's RSA-PSS verify, as a second opinion."""
    key = issuer.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(cert.signature, cert.tbs_certificate_bytes,
               padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48), hashes.SHA384())


def test_generated_chain_has_amds_shape(testdata: Path, genoa_chain: CaChain) -> None:
    real_ark, real_ask, real_vcek = _real_genoa(testdata)
    vcek = generate_vcek(genoa_chain, TCB).certificate
    for ours, theirs in ((genoa_chain.ark, real_ark), (genoa_chain.ask, real_ask), (vcek, real_vcek)):
        assert ours.subject == theirs.subject
        assert ours.issuer == theirs.issuer
        assert ours.serial_number == theirs.serial_number
        assert ours.version == theirs.version
        # The AlgorithmIdentifier bytes (PSS parameters, trailer spelled out or not) match.
        assert _tbs_fields(ours)[2].encoded == _tbs_fields(theirs)[2].encoded
        assert [e.oid for e in ours.extensions] == [e.oid for e in theirs.extensions]
        assert [e.critical for e in ours.extensions] == [e.critical for e in theirs.extensions]
        assert type(ours.public_key()) is type(theirs.public_key())
        assert ours.public_key().key_size == theirs.public_key().key_size  # type: ignore[union-attr]
    assert _extension_layout(vcek) == _extension_layout(real_vcek)
    ark_bc = genoa_chain.ark.extensions.get_extension_for_class(x509.BasicConstraints).value
    ask_bc = genoa_chain.ask.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert ark_bc.ca and ark_bc.path_length is None and ask_bc.ca and ask_bc.path_length == 0
    ask_aki = genoa_chain.ask.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ark_ski = genoa_chain.ark.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ask_aki.key_identifier == ark_ski.digest


def test_vcek_extensions_carry_tcb_and_chip_id(genoa_chain: CaChain) -> None:
    chip_id = bytes(range(64))
    vcek = generate_vcek(genoa_chain, Tcb(bootloader=1, tee=2, snp=3, microcode=217), chip_id)
    info = chainmod.parse_vcek_extensions(vcek.certificate)
    assert info.struct_version == 0 and info.product_name == "Genoa"
    assert info.spl == {"bootloader": 1, "tee": 2, "snp": 3, "microcode": 217}
    assert info.hwid == chip_id and info.csp_id is None
    raw = {e.oid.dotted_string: e.value.value for e in vcek.certificate.extensions}
    assert raw[amd.UCODE_SPL] == bytes.fromhex("020200d9")  # >= 128 needs the leading 00
    assert raw[amd.HW_ID] == chip_id  # raw bytes, no inner OCTET STRING
    assert raw[amd.PRODUCT_NAME] == bytes.fromhex("1605") + b"Genoa"


def test_real_vcek_extensions_parse(testdata: Path) -> None:
    milan = x509.load_der_x509_certificate((testdata / "milan-v2-debug.vcek.der").read_bytes())
    info = chainmod.parse_vcek_extensions(milan)
    assert info.product_name == "Milan-B0"
    assert info.spl == {"bootloader": 2, "tee": 0, "snp": 5, "microcode": 68}
    assert info.hwid is not None and info.hwid.hex().startswith("3ac3fe21e13fb099")


def test_generated_chain_verifies_independently(genoa_chain: CaChain) -> None:
    vcek = generate_vcek(genoa_chain, TCB).certificate
    _pss_verify(genoa_chain.ark, genoa_chain.ark)
    _pss_verify(genoa_chain.ask, genoa_chain.ark)
    _pss_verify(vcek, genoa_chain.ask)
    assert isinstance(vcek.public_key(), ec.EllipticCurvePublicKey)
    verified = chainmod.verify_vcek_chain(vcek, [genoa_chain.ask], [genoa_chain.ark])
    assert verified.ark == genoa_chain.ark


def test_real_amd_chains_verify(testdata: Path) -> None:
    ark, ask, vcek = _real_genoa(testdata)
    assert chainmod.verify_vcek_chain(vcek, [ask], [ark]).ask == ask
    milan_ask, milan_ark = chainmod.load_pem_certificates(testdata / "ask_ark_milan.pem")
    milan_vcek = x509.load_der_x509_certificate((testdata / "milan-v2-debug.vcek.der").read_bytes())
    chainmod.verify_vcek_chain(milan_vcek, [milan_ask], [milan_ark])
    with pytest.raises(chainmod.ChainError, match="did not issue|not the VCEK's issuer"):
        chainmod.verify_vcek_chain(milan_vcek, [ask], [ark])


def test_chain_verification_refusals(genoa_chain: CaChain, rogue_chain: CaChain) -> None:
    vcek = generate_vcek(genoa_chain, TCB).certificate
    rogue_vcek = generate_vcek(rogue_chain, TCB).certificate
    # Same names, other keys: only the pinned ARK counts.
    with pytest.raises(chainmod.ChainError, match="does not verify"):
        chainmod.verify_vcek_chain(rogue_vcek, [rogue_chain.ask], [genoa_chain.ark])
    with pytest.raises(chainmod.ChainError, match="does not verify"):
        chainmod.verify_vcek_chain(vcek, [rogue_chain.ask], [rogue_chain.ark])
    with pytest.raises(chainmod.ChainError, match="no pinned ARK"):
        chainmod.verify_vcek_chain(vcek, [genoa_chain.ask], [])
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=8 * 365)
    with pytest.raises(chainmod.ChainError, match="not valid at"):
        chainmod.verify_vcek_chain(vcek, [genoa_chain.ask], [genoa_chain.ark], now=future)
    raw = bytearray(chainmod.der_of(vcek))
    raw[-1] ^= 1
    with pytest.raises(chainmod.ChainError, match="does not verify"):
        chainmod.verify_vcek_chain(x509.load_der_x509_certificate(bytes(raw)), [genoa_chain.ask],
                                   [genoa_chain.ark])
    # A salt of 32 in both AlgorithmIdentifiers: refused before the signature is tried.
    salt48 = der.explicit(2, der.integer(48))
    salt32 = der.explicit(2, der.integer(32))
    swapped = chainmod.der_of(vcek).replace(salt48, salt32)
    assert swapped.count(salt32) == 2
    with pytest.raises(chainmod.ChainError, match="salt length"):
        chainmod.verify_vcek_chain(x509.load_der_x509_certificate(swapped), [genoa_chain.ask],
                                   [genoa_chain.ark])


def test_chain_directory_round_trip(tmp_path: Path, genoa_chain: CaChain) -> None:
    genoa_chain.save(tmp_path)
    assert CaChain.exists_in(tmp_path)
    assert (tmp_path / "ark.key").stat().st_mode & 0o777 == 0o600
    loaded = CaChain.load(tmp_path)
    assert loaded.ark_der == genoa_chain.ark_der and loaded.ask_der == genoa_chain.ask_der
    vcek = generate_vcek(loaded, TCB)  # signed with the reloaded ASK key
    chainmod.verify_vcek_chain(vcek.certificate, [genoa_chain.ask], [genoa_chain.ark])
    ask, ark = chainmod.load_pem_certificates(tmp_path / "ask_ark.pem")
    assert (ask, ark) == (genoa_chain.ask, genoa_chain.ark)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_verifies_the_generated_chain(tmp_path: Path, genoa_chain: CaChain,
                                             rogue_chain: CaChain) -> None:
    genoa_chain.save(tmp_path)
    vcek = generate_vcek(genoa_chain, TCB)
    (tmp_path / "vcek.pem").write_bytes(vcek.certificate.public_bytes(serialization.Encoding.PEM))
    done = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ark.pem"), "-untrusted",
                           str(tmp_path / "ask.pem"), str(tmp_path / "vcek.pem")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("vcek.pem: OK")
    text = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "vcek.pem"), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert "Salt Length: 0x30" in text and "Mask Algorithm: mgf1 with sha384" in text
    assert "CN = SEV-VCEK" in text and "1.3.6.1.4.1.3704.1.4:" in text
    # A chain made with another ARK (same names) does not verify against this one.
    rogue = generate_vcek(rogue_chain, TCB)
    (tmp_path / "rogue-ask.pem").write_bytes(rogue_chain.ask.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "rogue.pem").write_bytes(rogue.certificate.public_bytes(serialization.Encoding.PEM))
    refused = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ark.pem"), "-untrusted",
                              str(tmp_path / "rogue-ask.pem"), str(tmp_path / "rogue.pem")],
                             capture_output=True, text=True, check=False)
    assert refused.returncode != 0
