from django.urls import path

from reports import views

app_name = "reports"

reports = "councils/<slug:council_slug>/reports/"
report = reports + "<int:pk>/"
appendix = report + "appendices/<int:order>"
# An impact assessment's paper; the assessment's pages are impact's.
assessments = "councils/<slug:council_slug>/impact-assessments/"
assessment = assessments + "<int:pk>/"

urlpatterns = [
    path(reports, views.report_list, name="report-list"),
    path(reports + "new/", views.report_form, name="report-create"),
    path(report, views.report_detail, name="report-detail"),
    path(report + "edit/", views.report_form, name="report-edit"),
    path(report + "front-sheet/", views.front_sheet_html, name="front-sheet-html"),
    path(report + "whole/", views.pack_html, name="pack-html"),
    path(report + "front-sheet.docx", views.front_sheet_docx, name="front-sheet-docx"),
    path(report + "whole.docx", views.pack_docx, name="pack-docx"),
    path(report + "publish/", views.report_publish, name="report-publish"),
    path(report + "builds/<int:build_pk>.json", views.build_status, name="build-status"),
    path(report + "appendices/add/", views.appendix_form, name="appendix-add"),
    path(appendix + "/", views.appendix_html, name="appendix-html"),
    path(appendix + ".pdf", views.appendix_pdf, name="appendix-pdf"),
    path(appendix + ".docx", views.appendix_docx, name="appendix-docx"),
    path(appendix + "/edit/", views.appendix_form, name="appendix-edit"),
    path(appendix + "/delete/", views.appendix_delete, name="appendix-delete"),
    path(appendix + "/move/", views.appendix_move, name="appendix-move"),
    path(report + "published/<int:file_pk>.pdf", views.published_file, name="published-file"),
    path(
        report + "published/<int:file_pk>.docx",
        views.published_word,
        name="published-word",
    ),
    path(assessment + "form/", views.assessment_document, name="assessment-document"),
    path(assessments + "<int:pk>.pdf", views.assessment_pdf, name="assessment-pdf"),
    path("councils/<slug:council_slug>/papers/", views.papers, name="papers"),
    path(
        "councils/<slug:council_slug>/papers/<int:pk>/<int:file_pk>.pdf",
        views.paper_file,
        name="paper-file",
    ),
    path(
        "councils/<slug:council_slug>/papers/<int:pk>/<int:file_pk>.docx",
        views.paper_word,
        name="paper-word",
    ),
]
