"""Migrant certificates, with the document records of the issued ones."""

import datetime
import hashlib

from django.db import transaction

from casework.factories import synthetic_id_number, synthetic_name
from casework.models import CertificateKind, CertificateStatus, MigrantCertificate, Sex
from demo.scale.city import CHUNK, CITY, CITY_NAME, City, weighted
from documents.kinds import DocumentKind
from documents.models import Document, IssuingOffice
from documents.numbering import CODE_ALPHABET, CODE_LENGTH
from permissions.roles import Role
from workflows.certificates import validity

# How the certificates' statuses are spread.
CERTIFICATE_STATUSES = {
    CertificateStatus.DRAFT: 2,
    CertificateStatus.SUBMITTED: 3,
    CertificateStatus.AWAITING_VERIFICATION: 3,
    CertificateStatus.VERIFIED: 2,
    CertificateStatus.ISSUED: 70,
    CertificateStatus.EXPIRED: 15,
    CertificateStatus.REVOKED: 3,
    CertificateStatus.REJECTED: 2,
}


class Certificates(City):
    """Migrant certificates in every status; the issued ones with their document records."""

    def make_certificates(self) -> None:
        total, rng = self.size.certificates, self.rng
        office, _created = IssuingOffice.objects.get_or_create(
            code="3698-scale",
            defaults={
                "name": f"{CITY_NAME}卫生健康委员会",
                "number_prefix": "规卫健",
                "region_id": CITY,
            },
        )
        officer = self.officers[Role.MIGRANT_SERVICE_OFFICER]
        serial = 0
        for start in range(0, total, CHUNK):
            with transaction.atomic():
                certificates, documents = [], []
                for n in range(start, min(total, start + CHUNK)):
                    village = rng.choice(self.villages)
                    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n % 3650)
                    number = synthetic_id_number(
                        village.code[:6], birth, 250 + n // 3650, male=False
                    )
                    status = weighted(rng, CERTIFICATE_STATUSES)
                    certificate = MigrantCertificate(
                        kind=CertificateKind.MARRIAGE_CHILDBEARING,
                        status=status,
                        region_id=village.code[:9] + "000",
                        holder_name=synthetic_name(rng),
                        holder_id_number=number,
                        holder_sex=Sex.FEMALE,
                        holder_birth_date=birth,
                        registration_region=village,
                        registration_address=f"{village.name}{n % 300 + 1}号",
                        marital_status="married",
                        created_by=officer,
                    )
                    if status in (
                        CertificateStatus.ISSUED,
                        CertificateStatus.EXPIRED,
                        CertificateStatus.REVOKED,
                    ):
                        issued = self.today - datetime.timedelta(days=rng.randrange(30, 1500))
                        certificate.valid_from, certificate.valid_until = validity(issued)
                        serial += 1
                        code = hashlib.sha256(f"{self.size.seed}-{serial}".encode()).hexdigest()
                        document = Document(
                            kind=DocumentKind.MIGRANT_CERTIFICATE,
                            title="流动人口婚育证明",
                            number=f"规卫健〔{issued.year}〕婚育证字第{serial:07d}号",
                            office=office,
                            year=issued.year,
                            serial=serial,
                            code=_code(code),
                            region_id=certificate.region_id,
                            public_summary=[["姓名", certificate.holder_name[0] + "*"]],
                            signer_fingerprint="0" * 64,
                            sha256=code,
                            size=0,
                            pages=1,
                            file="",
                            issued_at=self.now,
                            issued_by=officer,
                            status={
                                CertificateStatus.ISSUED: "valid",
                                CertificateStatus.EXPIRED: "expired",
                                CertificateStatus.REVOKED: "revoked",
                            }[status],
                        )
                        documents.append(document)
                        certificate.document = document
                    certificates.append(certificate)
                self.db.insert(documents, with_ids=True)
                for certificate in certificates:
                    if certificate.document is not None:
                        certificate.document_id = certificate.document.pk
                self.db.insert(certificates)
            self.counts["certificates"] += len(certificates)
            self.counts["documents"] += len(documents)
            self.progress.show("certificates", self.counts["certificates"], total)


def _code(hex_digest: str) -> str:
    """A verification code of the printed shape, fixed by the seed (not random: the same seed
    makes the same data)."""
    value = int(hex_digest[:26], 16)
    return "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))
