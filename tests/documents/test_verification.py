"""Verification accepts what we issued and refuses every kind of forgery, with the reason."""

import hashlib
import io

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import as_signing_certificate_v2
from weasyprint import HTML

from documents import issuing, keys, rendering, signing, verification
from permissions.audit import Actor
from tests.document_fixtures import PASSPHRASE
from tests.documents.test_issuing import pdf_of


def signed_with(key_dir, office_code="county-wjw") -> bytes:
    """A well-formed PDF signed by the key in ``key_dir``, bypassing the registry."""
    path = key_dir / f"{office_code}.p12"
    key = keys._load(str(path), path.stat().st_mtime_ns, PASSPHRASE)
    rendered = rendering.render_pdf(
        rendering.page_html(["<section class='document'><p>兹证明 伪造文件</p></section>"])
    )
    return signing.sign_pdf(rendered, key, reason="test", location="安和县")


@pytest.mark.django_db
def test_an_issued_pdf_verifies(issue):
    document = issue("migrant_certificate")
    verdict = verification.verify_pdf(pdf_of(document))

    assert verdict.valid and verdict.reason == "valid"
    assert verdict.document == document
    assert "安和县卫生健康委员会" in verdict.signer


@pytest.mark.django_db
def test_each_seal_names_its_certificate_as_pyhanko_would(issue):
    """The signing-certificate attribute, made once per key (documents/keys.py), is the one
    pyHanko builds for each signature, and binds the seal to the office's certificate."""
    documents = [issue("payment_letter"), issue("payment_letter")]
    for document in documents:
        seal = PdfFileReader(io.BytesIO(pdf_of(document))).embedded_signatures[0]
        attributes = {
            attribute["type"].native: attribute["values"][0]
            for attribute in seal.signer_info["signed_attrs"]
        }
        certificate = seal.signer_cert
        named = attributes["signing_certificate_v2"]

        assert named.dump() == as_signing_certificate_v2(certificate).dump()
        assert named["certs"][0]["cert_hash"].native == hashlib.sha256(certificate.dump()).digest()
        assert hashlib.sha256(certificate.dump()).hexdigest() == document.signer_fingerprint
        assert verification.verify_pdf(pdf_of(document)).valid


@pytest.mark.django_db
@pytest.mark.parametrize("where", [0.3, 0.5, 0.7])
def test_changing_one_byte_is_refused_as_altered(issue, where):
    data = bytearray(pdf_of(issue("migrant_certificate")))
    # Positions inside the signed byte range; the signature itself lies near the end.
    position = int(len(data) * where * 0.5)
    data[position] ^= 0x01

    verdict = verification.verify_pdf(bytes(data))
    assert not verdict.valid
    assert verdict.reason in ("altered", "unreadable")


@pytest.mark.django_db
def test_appending_to_a_signed_pdf_is_refused(issue):
    data = pdf_of(issue("migrant_certificate")) + b"\n% appended\n"
    assert verification.verify_pdf(data).reason == "altered"


@pytest.mark.django_db
def test_a_pdf_signed_by_a_foreign_certificate_is_refused(signing, foreign_key_dir):
    verdict = verification.verify_pdf(signed_with(foreign_key_dir))
    assert verdict.reason == "foreign_signer"
    assert "不是" in verdict.message or "not one of" in verdict.message


@pytest.mark.django_db
def test_our_signature_on_an_unregistered_pdf_is_refused(signing):
    assert verification.verify_pdf(signed_with(signing)).reason == "unregistered"


@pytest.mark.django_db
def test_a_revoked_document_is_refused_with_the_fixed_message(issue, administrator):
    document = issue("payment_letter")
    issuing.revoke(document, Actor(administrator), "误发")

    verdict = verification.verify_pdf(pdf_of(document))
    assert verdict.reason == "revoked" and verdict.message == verification.reason_message("revoked")
    assert "误发" not in verdict.message


@pytest.mark.django_db
def test_a_superseded_document_says_so(issue, administrator):
    document = issue("payment_letter")
    issuing.reissue(document, Actor(administrator), "更正")
    assert verification.verify_pdf(pdf_of(document)).reason == "superseded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "unreadable"),
        (b"not a pdf at all", "unreadable"),
        (b"%PDF-1.7\n1 0 obj\n<<", "unreadable"),
        (HTML(string="<p>unsigned</p>").write_pdf(), "unsigned"),
    ],
)
def test_files_that_are_not_signed_pdfs(signing, data, reason):
    assert verification.verify_pdf(data).reason == reason


@pytest.mark.django_db
def test_verify_pdf_command(issue, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf_of(issue("payment_letter")))
    call_command("verify_pdf", str(good))
    assert "valid" in capsys.readouterr().out

    bad = tmp_path / "bad.pdf"
    data = bytearray(good.read_bytes())
    data[len(data) // 4] ^= 0x01
    bad.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(bad))
    assert exit_info.value.code == 1
    assert "altered" in capsys.readouterr().out


def test_verify_pdf_command_on_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("verify_pdf", str(tmp_path / "nope.pdf"))
