"""URL map: pages, the API under /api/v1/, the Django admin (technical operators only) and
the viewflow frontend."""

from django.conf import settings
from django.urls import include, path

from web.admin.site import operator_site
from web.workflow_site import site as workflow_site

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The operator site (superusers only, throttled login, audited), not admin.site.
    path("admin/", operator_site.urls),
    path("api/v1/", include("web.api.urls")),
    path("workflow/", workflow_site.urls),
    path("", include("web.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
