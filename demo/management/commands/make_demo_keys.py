"""Make a local demo CA and a key for every issuing office that has none (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.keys import ensure_demo_keys
from documents.models import IssuingOffice


class Command(BaseCommand):
    help = "Create demo signing keys (a local CA and one PKCS#12 file per issuing office)."

    def handle(self, *args, **options):
        made = ensure_demo_keys(list(IssuingOffice.objects.all()))
        self.stdout.write(f"{made} demo keys made in {settings.CASEWORK_SIGNING_KEY_DIR}.")
