from django.urls import path

from councils import views

app_name = "councils"

council = "councils/<slug:council_slug>/"

urlpatterns = [
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path(council + "accessibility/", views.accessibility_statement, name="council-accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path(council + "privacy/", views.privacy_notice, name="council-privacy"),
]
