"""URL map: pages, the API under /api/v1/, Django admin and the viewflow frontend."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from workflows.site import site as workflow_site

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("casework.api.urls")),
    path("workflow/", workflow_site.urls),
    path("", include("permissions.urls")),
    path("", include("documents.urls")),
    path("", include("casework.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
