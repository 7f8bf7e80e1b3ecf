"""The daily task: expire migrant certificates whose validity ended (run it from cron)."""

from django.core.management.base import BaseCommand

from casework import clock
from workflows.certificates import expire_due


class Command(BaseCommand):
    help = "Expire every issued migrant certificate whose validity ended before today."

    def handle(self, *args, **options):
        expired = expire_due()
        self.stdout.write(f"{clock.today()}: {len(expired)} certificates expired.")
