from django.core.management.base import BaseCommand

from permissions.grants import expire_grants


class Command(BaseCommand):
    help = "Remove object grants whose time is up (scoping already ignores them), auditing each."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_grants()} grant(s) expired.")
