from django.urls import path

from scrutiny import views

app_name = "scrutiny"

base = "councils/<slug:council_slug>/scrutiny/"
rec = base + "recommendations/<int:pk>/"

urlpatterns = [
    path(base, views.register, name="register"),
    path(base + "reports/new/", views.source_form, name="source-create"),
    path(base + "reports/<int:pk>/", views.source_detail, name="source-detail"),
    path(base + "reports/<int:pk>/edit/", views.source_form, name="source-edit"),
    path(
        base + "reports/<int:source_pk>/recommendations/new/",
        views.recommendation_form,
        name="recommendation-create",
    ),
    path(
        base + "reports/<int:source_pk>/recommendations/<int:pk>/edit/",
        views.recommendation_form,
        name="recommendation-edit",
    ),
    path(rec, views.recommendation_detail, name="recommendation-detail"),
    path(rec + "actions/", views.link_actions, name="link-actions"),
    path(rec + "new-action/", views.new_action, name="new-action"),
    path(base + "import/", views.import_upload, name="import"),
    path(base + "import/<str:token>/", views.import_preview, name="import-preview"),
]
