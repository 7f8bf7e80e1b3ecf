from django.urls import path

from documents import views

urlpatterns = [
    path("documents/", views.document_list, name="document-list"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document-pdf"),
    path(
        "documents/<int:pk>/revoke/",
        views.document_change,
        {"action": "revoke"},
        name="document-revoke",
    ),
    path(
        "documents/<int:pk>/reissue/",
        views.document_change,
        {"action": "reissue"},
        name="document-reissue",
    ),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify-code"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/output/", views.job_output, name="job-output"),
]
