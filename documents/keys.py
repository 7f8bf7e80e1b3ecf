"""Signing keys and certificates: loading an office's PKCS#12 file, and the demo's local CA.

Private keys live only in files under ``CASEWORK_SIGNING_KEY_DIR``; the database holds
certificate fingerprints, never keys.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import attributes, signers
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import (
    CAdESSignedAttributeProviderSpec,
    PdfCMSSignedAttributes,
)

# Marks demo certificates; documents signed with one say so on their face.
DEMO_MARK = "Casework demo certificate"
CA_KEY_FILE = "ca-key.pem"


@dataclass(frozen=True)
class OfficeKey:
    """A loaded signer and the facts about its certificate that documents print and store."""

    signer: signers.SimpleSigner
    fingerprint: str
    subject: str
    demo: bool


def key_path(office_code: str, key_dir: Path | str | None = None) -> Path:
    directory = settings.CASEWORK_SIGNING_KEY_DIR if key_dir is None else key_dir
    return Path(directory) / f"{office_code}.p12"


def fingerprint(certificate: asn1_x509.Certificate) -> str:
    """SHA-256 of the certificate's DER bytes, in hex: how documents name their signer."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def is_demo(certificate: asn1_x509.Certificate) -> bool:
    subject = certificate.subject.native
    return subject.get("organizational_unit_name") == DEMO_MARK


def load_office_key(
    office_code: str, *, key_dir: Path | str | None = None, passphrase: str | None = None
) -> OfficeKey:
    """The office's signer, read once per process and file version (keys rarely change).

    ``key_dir`` and ``passphrase`` default to the settings; worker processes that render and
    sign a batch are given them explicitly by the process that started them.
    """
    path = key_path(office_code, key_dir)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"No signing key for office {office_code!r}: expected {path}. "
            "Run `manage.py make_demo_keys` for a demo, or install the office's PKCS#12 file."
        ) from None
    if passphrase is None:
        passphrase = settings.CASEWORK_SIGNING_PASSPHRASE
    return _load(str(path), mtime, passphrase)


class _KnownSigningCertificate(attributes.SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute from bytes made once per key."""

    def __init__(self, certificate: asn1_x509.Certificate, der: bytes):
        super().__init__(certificate)
        self.der = der

    async def build_attr_value(self, dry_run=False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self.der)


class PadesSignedAttributes(CAdESSignedAttributeProviderSpec):
    """The signed attributes of our PAdES seals, as pyHanko would give them.

    pyHanko builds the signing-certificate attribute afresh for every signature, and a value
    built in asn1crypto is serialised again each time its parent is (some forty times per
    signature: two thirds of the signing time). Parsed from bytes, it is copied as it is.
    """

    def __init__(self, certificate: asn1_x509.Certificate):
        super().__init__(
            attr_settings=PdfCMSSignedAttributes(),
            signing_cert=certificate,
            is_pades=True,
            timestamper=None,
        )
        self.der = as_signing_certificate_v2(certificate).dump()

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        for provider in super().signed_attr_providers(data_digest, digest_algorithm):
            if isinstance(provider, attributes.SigningCertificateV2Provider):
                provider = _KnownSigningCertificate(self.signing_cert, self.der)
            yield provider


@functools.lru_cache(maxsize=64)
def _load(path: str, mtime: int, passphrase: str) -> OfficeKey:
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode() or None)
    if signer is None:
        raise ImproperlyConfigured(
            f"Cannot open the signing key {path}: wrong CASEWORK_SIGNING_PASSPHRASE?"
        )
    certificate = signer.signing_cert
    # Our seals are PAdES signatures without a timestamp (documents/signing.py).
    signer.signed_attr_prov_spec = PadesSignedAttributes(certificate)
    return OfficeKey(
        signer=signer,
        fingerprint=fingerprint(certificate),
        subject=certificate.subject.human_friendly,
        demo=is_demo(certificate),
    )


def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA certificates our offices' certificates must chain to."""
    roots = []
    for path in settings.CASEWORK_TRUST_ROOTS:
        try:
            pem = Path(path).read_bytes()
        except FileNotFoundError:
            continue
        der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        roots.append(asn1_x509.Certificate.load(der))
    return roots


def _name(common_name: str, demo: bool) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if demo:
        attributes.insert(2, x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK))
    return x509.Name(attributes)


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, years: int):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return builder.sign(signing_key, hashes.SHA256())


def make_local_ca(directory: Path, name: str, *, demo: bool = True) -> None:
    """Create ``ca.pem`` and its key in ``directory`` unless they exist."""
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / "ca.pem").exists():
        return
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, demo)
    certificate = _certificate(subject, subject, key.public_key(), key, ca=True, years=20)
    (directory / CA_KEY_FILE).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / CA_KEY_FILE).chmod(0o600)
    (directory / "ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def make_office_key(
    directory: Path, office_code: str, office_name: str, passphrase: str, *, demo: bool = True
) -> bool:
    """Issue ``<office_code>.p12`` from the local CA in ``directory``; False if it exists."""
    target = directory / f"{office_code}.p12"
    if target.exists():
        return False
    ca_key = serialization.load_pem_private_key((directory / CA_KEY_FILE).read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(
        _name(office_name, demo), ca_cert.subject, key.public_key(), ca_key, ca=False, years=10
    )
    target.write_bytes(
        pkcs12.serialize_key_and_certificates(
            office_code.encode(),
            key,
            certificate,
            [ca_cert],
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    target.chmod(0o600)
    return True
