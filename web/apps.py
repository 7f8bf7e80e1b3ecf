from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages, the HTTP API and the operators' admin: the top floor, over the processes."""

    name = "web"
    verbose_name = _("Pages and API")
