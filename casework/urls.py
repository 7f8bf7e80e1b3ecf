from django.urls import include, path

from casework import (
    application_views,
    case_decision_views,
    case_views,
    certificate_views,
    payment_views,
    posting_views,
    views,
)

# Page names must not collide with the API router's (``<basename>-<action>``).
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_inbox, name="task-inbox"),
    path("persons/", views.person_list, name="person-list"),
    path("persons/new/", views.person_create, name="person-create"),
    path("persons/<int:pk>/", views.person_detail, name="person-detail"),
    path("programs/", views.program_list, name="program-list"),
    path("applications/", application_views.application_list, name="application-list"),
    path("applications/new/", application_views.application_create, name="application-create"),
    path(
        "applications/appraise/",
        application_views.application_appraise,
        name="applications-appraise-page",
    ),
    path(
        "applications/bulk/",
        application_views.application_bulk,
        name="applications-bulk-page",
    ),
    path("applications/<int:pk>/", application_views.application_detail, name="application-detail"),
    path(
        "applications/<int:pk>/steps/<slug:name>/",
        application_views.application_step,
        name="application-step",
    ),
    path("payments/", payment_views.batch_list, name="batch-list"),
    path("payments/build/", payment_views.batch_build, name="batch-build"),
    path("payments/report/", payment_views.paid_report, name="paid-report"),
    path("reports/enforcement/", include("casework.report_views")),
    path("payments/<int:pk>/", payment_views.batch_detail, name="batch-detail"),
    path("payments/<int:pk>/steps/<slug:name>/", payment_views.batch_step, name="batch-step"),
    path("payments/<int:pk>/bank-file/", payment_views.batch_bank_file, name="batch-bank-file"),
    path("payments/<int:pk>/follow-up/", payment_views.batch_follow_up, name="batch-follow-up"),
    path("payments/<int:pk>/findings/", payment_views.batch_finding, name="batch-finding"),
    path("recoveries/<int:pk>/repay/", payment_views.recovery_repay, name="recovery-repay"),
    path(
        "recoveries/<int:pk>/steps/<slug:name>/",
        payment_views.recovery_step,
        name="recovery-step",
    ),
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/new/", case_views.case_create, name="case-create"),
    path("cases/<int:pk>/", case_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/informant/", case_views.case_informant, name="case-informant"),
    path("cases/<int:pk>/steps/<slug:name>/", case_views.case_step, name="case-step"),
    path("cases/<int:pk>/parties/", case_views.case_add_party, name="case-add-party"),
    path("cases/<int:pk>/evidence/", case_views.case_add_evidence, name="case-add-evidence"),
    path(
        "cases/<int:pk>/evidence/<int:evidence_id>/file/",
        case_views.case_evidence_download,
        name="case-evidence-download",
    ),
    path("cases/<int:pk>/chronology/", case_views.case_add_action, name="case-add-action"),
    path(
        "cases/<int:pk>/measures/",
        case_decision_views.case_propose_measure,
        name="case-propose-measure",
    ),
    path("postings/", posting_views.posting_list, name="posting-list"),
    path("postings/open/", posting_views.posting_open, name="posting-open"),
    path("postings/close/", posting_views.posting_close_many, name="postings-close-page"),
    path("postings/<int:pk>/", posting_views.posting_detail, name="posting-detail"),
    path("postings/<int:pk>/steps/<slug:name>/", posting_views.posting_step, name="posting-step"),
    path("postings/<int:pk>/objections/", posting_views.objection_create, name="objection-create"),
    path(
        "objections/<int:pk>/steps/<slug:name>/",
        posting_views.objection_step,
        name="objection-step",
    ),
    path("certificates/", certificate_views.certificate_list, name="certificate-list"),
    path("certificates/new/", certificate_views.certificate_create, name="certificate-create"),
    path(
        "certificates/apply/",
        certificate_views.certificate_apply_online,
        name="certificate-apply-online",
    ),
    path("certificates/<int:pk>/", certificate_views.certificate_detail, name="certificate-detail"),
    path(
        "certificates/<int:pk>/edit/", certificate_views.certificate_edit, name="certificate-edit"
    ),
    path(
        "certificates/<int:pk>/steps/<slug:name>/",
        certificate_views.certificate_step,
        name="certificate-step",
    ),
    path(
        "certificates/<int:pk>/feedback/",
        certificate_views.certificate_feedback,
        name="certificate-feedback",
    ),
    path(
        "certificates/<int:pk>/attachments/",
        certificate_views.certificate_attach,
        name="certificate-attach",
    ),
    path(
        "attachments/<int:pk>/", certificate_views.attachment_download, name="attachment-download"
    ),
    path("notices/", certificate_views.notice_list, name="notice-list"),
    path("notices/<int:pk>/steps/<slug:name>/", certificate_views.notice_step, name="notice-step"),
]
