from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county (``load_demo``) and the synthetic city of the benchmarks."""

    name = "demo"
    verbose_name = _("Demo data")
