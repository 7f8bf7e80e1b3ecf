"""The demo's issuing offices and their locally made keys.

Demo keys come from a local CA made on the spot; every document they sign says "演示证书".
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from casework.models import Region
from documents import keys
from documents.models import IssuingOffice

CA_NAME = "示范市电子政务演示根证书"


def demo_offices(city: str, county: str, townships: dict[str, str]) -> list[IssuingOffice]:
    """The city and county health commissions and each township government."""
    specs = [
        (f"{city[:6]}-wjw", "示范市卫生健康委员会", "示范市卫健", city),
        (f"{county[:6]}-wjw", "安和县卫生健康委员会", "安和县卫健", county),
    ] + [(f"{code[:9]}-gov", f"{name}人民政府", name, code) for code, name in townships.items()]
    offices = []
    for code, name, prefix, region in specs:
        office, _ = IssuingOffice.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "number_prefix": prefix,
                "region": Region.objects.get(pk=region),
                "phone": "0797-5210001",
            },
        )
        offices.append(office)
    return offices


def ensure_demo_keys(offices: list[IssuingOffice]) -> int:
    """Make the local CA and any missing office key; returns how many keys were made.

    Refused outside DEBUG: a deployment installs its offices' real PKCS#12 files.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo keys are for demos; install real keys in production.")
    directory = Path(settings.CASEWORK_SIGNING_KEY_DIR)
    keys.make_local_ca(directory, CA_NAME)
    return sum(
        keys.make_office_key(
            directory, office.code, office.name, settings.CASEWORK_SIGNING_PASSPHRASE
        )
        for office in offices
    )
