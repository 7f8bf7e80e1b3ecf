"""The /api/v1/ routes of ../shared/API.md."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from web.api import errors, views
from web.api.account import MeView, ObtainTokenView
from web.api.agreements import AgreementViewSet
from web.api.applications import ApplicationViewSet
from web.api.cases import CaseViewSet
from web.api.certificates import CertificateViewSet, NoticeViewSet
from web.api.changes import ChangeRequestViewSet
from web.api.comparisons import ComparisonFindingViewSet, ComparisonViewSet
from web.api.dashboard import DashboardView
from web.api.documents import DocumentViewSet, VerifyCodeView, VerifyUploadView
from web.api.imports import ImportViewSet
from web.api.payments import PaidTotalsView, PaymentBatchViewSet, RecoveryViewSet
from web.api.postings import ObjectionViewSet, PostingViewSet
from web.api.tasks import TaskViewSet

router = DefaultRouter(trailing_slash=True)
router.register("regions", views.RegionViewSet, basename="region")
router.register("persons", views.PersonViewSet, basename="person")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("documents", DocumentViewSet, basename="document")
router.register("applications", ApplicationViewSet, basename="application")
router.register("postings", PostingViewSet, basename="posting")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("notices", NoticeViewSet, basename="notice")
# Not "agreement": the pages' names are agreement-list and agreement-detail.
router.register("agreements", AgreementViewSet, basename="migration-agreement")
router.register("tasks", TaskViewSet, basename="task")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("recoveries", RecoveryViewSet, basename="recovery")
router.register("cases", CaseViewSet, basename="case")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("imports", ImportViewSet, basename="data-import")
# Not "comparison": the pages' names are comparison-list and comparison-detail.
router.register("comparisons", ComparisonViewSet, basename="data-comparison")
router.register(
    r"comparisons/(?P<comparison_id>[^/.]+)/findings",
    ComparisonFindingViewSet,
    basename="comparison-finding",
)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("documents/verify/", VerifyUploadView.as_view(), name="api-document-verify"),
    path("verify/<str:code>/", VerifyCodeView.as_view(), name="api-verify-code"),
    path("jobs/<uuid:pk>/", views.JobView.as_view(), name="api-job"),
    path("reports/payments/", PaidTotalsView.as_view(), name="api-report-payments"),
    path("reports/enforcement/", include("web.api.enforcement_reports")),
    path("reports/dashboard/", DashboardView.as_view(), name="api-report-dashboard"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
    # Last: any other path under the API answers the contract's JSON 404. Only paths ending
    # in a slash, so that a path without one still gets APPEND_SLASH's redirect first.
    re_path(r"^.*/$", errors.not_found, name="api-not-found"),
]
