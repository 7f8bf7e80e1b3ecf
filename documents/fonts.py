"""Font subsetting: WeasyPrint must subset the CJK font with HarfBuzz, not fontTools.

Without Debian's libharfbuzz-subset0, WeasyPrint silently falls back to fontTools, which makes
a one-page Chinese PDF about 70 times slower. Production refuses to start; the demo warns.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

HINT = "Install the Debian package libharfbuzz-subset0 (HarfBuzz 4.1 or newer)."


def harfbuzz_subsetting() -> bool:
    """True when WeasyPrint will subset fonts with HarfBuzz."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def require_harfbuzz_subsetting() -> None:
    """Refuse to start in production settings without HarfBuzz subsetting."""
    if not settings.DEBUG and not harfbuzz_subsetting():
        raise ImproperlyConfigured(
            "WeasyPrint cannot subset fonts with HarfBuzz; Chinese PDFs would take seconds. " + HINT
        )


@checks.register(checks.Tags.compatibility)
def check_harfbuzz_subsetting(app_configs=None, **kwargs):
    if harfbuzz_subsetting():
        return []
    return [
        checks.Warning(
            _("PDFs will be about 70 times slower: fonts are subset with fontTools."),
            hint=HINT,
            id="documents.W001",
        )
    ]
