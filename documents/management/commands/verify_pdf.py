"""Check a PDF offline against the signature rules and this installation's registry."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.verification import verify_pdf


class Command(BaseCommand):
    help = "Verify that a PDF was issued by one of our offices, unchanged and still valid."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        verdict = verify_pdf(data)
        document = verdict.document
        self.stdout.write(f"{verdict.reason}: {verdict.message}")
        if verdict.signer:
            self.stdout.write(f"signer: {verdict.signer}")
        if document is not None:
            self.stdout.write(
                f"document: {document.number} {document.get_kind_display()} "
                f"{document.office.name} {document.issued_at:%Y-%m-%d %H:%M}"
            )
        if not verdict.valid:
            sys.exit(1)
