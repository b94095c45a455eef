from django.urls import path

from supervision.ledger import views

app_name = "supervision"
urlpatterns = [
    # The ledger workbook import (履职台账导入).
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("ledger/import/jobs/<int:pk>/", views.ledger_job, name="ledger_job"),
    path("ledger/import/<str:token>/", views.ledger_preview, name="ledger_preview"),
    path("ledger/import/<str:token>/issues.xlsx", views.ledger_issues, name="ledger_issues"),
    path("ledger/template.xlsx", views.ledger_template, name="ledger_template"),
]

# Supervision records (Art. 26, 28, 29): pages in record_views.
from supervision.records import views as record_views  # noqa: E402

urlpatterns += [
    path("reports/", record_views.report_list, name="report_list"),
    path("reports/new/", record_views.report_create, name="report_create"),
    path("reports/<int:pk>/edit/", record_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/delete/", record_views.report_delete, name="report_delete"),
    path("group-reports/", record_views.group_report_list, name="group_report_list"),
    path(
        "group-reports/<int:group_pk>/<int:year>/",
        record_views.group_report_submit,
        name="group_report_submit",
    ),
    path(
        "group-reports/<int:pk>/delete/",
        record_views.group_report_delete,
        name="group_report_delete",
    ),
    path("interviews/", record_views.interview_list, name="interview_list"),
    path("interviews/candidates/", record_views.interview_candidates, name="candidates"),
    path("interviews/new/", record_views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/edit/", record_views.interview_edit, name="interview_edit"),
    path("interviews/<int:pk>/delete/", record_views.interview_delete, name="interview_delete"),
    path("awards/", record_views.award_list, name="award_list"),
    path("awards/new/", record_views.award_create, name="award_create"),
    path("awards/<int:pk>/edit/", record_views.award_edit, name="award_edit"),
    path("awards/<int:pk>/delete/", record_views.award_delete, name="award_delete"),
]

# Issue 5: group leaders' pages, award pre-screening (Art. 28), points (履职积分).
from supervision.groups import views as leader_views  # noqa: E402

urlpatterns += [
    path("groups/", leader_views.group_list, name="group_list"),
    path("groups/<int:pk>/", leader_views.group_detail, name="group_detail"),
    path("awards/candidates/", leader_views.award_candidates, name="award_candidates"),
    path("points/", leader_views.points_view, name="points"),
]

# 填报→审核 and 错重漏反馈 (issue 5): the deputy's own pages take no deputy id.
from supervision.self_reports import views as self_report_views  # noqa: E402

urlpatterns += [
    path("mine/report/", self_report_views.report_new, name="self_report_new"),
    path("mine/report/<int:pk>/", self_report_views.report_edit, name="self_report_edit"),
    path("mine/flag/", self_report_views.flag_new, name="flag_new"),
    path("mine/feedback.xlsx", self_report_views.feedback_download, name="my_feedback"),
    path("reviews/", self_report_views.review_list, name="review_list"),
    path("reviews/count/", self_report_views.review_count, name="review_count"),
    path("reviews/<int:pk>/confirm/", self_report_views.review_confirm, name="review_confirm"),
    path("reviews/<int:pk>/reject/", self_report_views.review_reject, name="review_reject"),
    path("flags/", self_report_views.flag_list, name="flags"),
    path("flags/<int:pk>/resolve/", self_report_views.flag_resolve, name="flag_resolve"),
]

# 导出记录 (issue 7.3): who exported personal data.
from supervision.export_log import views as export_log_views  # noqa: E402

urlpatterns += [path("export-log/", export_log_views.export_log_list, name="export_log")]

# Closed years (issue 7.4): office staff close and re-open years, with a reason.
from supervision.closing import views as closing_views  # noqa: E402

urlpatterns += [
    path("closed-years/", closing_views.closed_years, name="closed_years"),
    path("closed-years/close/", closing_views.close_year_view, name="close_year"),
    path("closed-years/<int:year>/reopen/", closing_views.reopen_year_view, name="reopen_year"),
]

# PDF documents: the feedback sheet and the performance file (履职档案).
from supervision.documents import views as document_views  # noqa: E402

urlpatterns += [
    path("mine/feedback.pdf", document_views.my_feedback_pdf, name="my_feedback_pdf"),
    path("mine/file.pdf", document_views.my_file_pdf, name="my_file_pdf"),
    path("deputies/<int:pk>/file.pdf", document_views.deputy_file_pdf, name="deputy_file_pdf"),
    path("mine/report-draft/", document_views.my_report_draft, name="my_report_draft"),
    path(
        "mine/report-draft.<str:fmt>",
        document_views.my_report_draft_download,
        name="my_report_draft_download",
    ),
    path("deputies/<int:pk>/report-draft/", document_views.report_draft, name="report_draft"),
    path(
        "deputies/<int:pk>/report-draft.<str:fmt>",
        document_views.report_draft_download,
        name="report_draft_download",
    ),
]
