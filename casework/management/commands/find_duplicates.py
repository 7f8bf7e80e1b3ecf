"""Flag likely duplicate persons for the supervisors (run it from cron, e.g. nightly)."""

from django.core.management.base import BaseCommand

from casework.duplicates import find_duplicates


class Command(BaseCommand):
    help = (
        "Record new pairs of persons with live applications who share name, birth date and "
        "spouse under different ID numbers; pairs already recorded are left as they are."
    )

    def handle(self, *args, **options):
        result = find_duplicates()
        self.stdout.write(f"{result.found} likely duplicate pairs, {result.added} new.")
