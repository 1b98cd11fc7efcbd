from django.urls import path

from reports import views

app_name = "reports"

reports = "councils/<slug:council_slug>/reports/"

urlpatterns = [
    path(reports, views.report_list, name="report-list"),
    path(reports + "<int:pk>/", views.report_detail, name="report-detail"),
    path(reports + "<int:pk>/appendices/<int:order>/", views.appendix_html, name="appendix-html"),
    path(reports + "<int:pk>/appendices/<int:order>.pdf", views.appendix_pdf, name="appendix-pdf"),
    path(
        reports + "<int:pk>/published/<int:file_pk>.pdf",
        views.published_file,
        name="published-file",
    ),
]
