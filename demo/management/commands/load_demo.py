from django.conf import settings
from django.core.management.base import BaseCommand

from demo.county import demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo county and its demo accounts (once; does nothing if already loaded)."

    def handle(self, *args, **options):
        if demo_loaded():
            self.stdout.write("Demo data already loaded.")
            return
        created = load_demo()
        self.stdout.write(
            "Demo loaded: {villages} villages, {persons} persons, {officers} accounts "
            "(password casework-demo), {documents} signed documents, {certificates} migrant "
            "certificates and {applications} reward applications, with demo keys in "
            "{keys}.".format(keys=settings.CASEWORK_SIGNING_KEY_DIR, **created)
        )
