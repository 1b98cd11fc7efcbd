from django.urls import path

from impact import views

app_name = "impact"

base = "councils/<slug:council_slug>/impact-assessments/"
one = base + "<int:pk>/"

urlpatterns = [
    path("impact-assessments/", views.all_assessments, name="all"),
    path(base, views.assessment_list, name="assessment-list"),
    path(base + "new/", views.assessment_create, name="assessment-create"),
    path(base + "areas/", views.areas, name="areas"),
    path(one, views.assessment_detail, name="assessment-detail"),
    path(one + "details/", views.assessment_header, name="assessment-header"),
    path(one + "edit/", views.assessment_edit, name="assessment-edit"),
    path(one + "state/", views.assessment_state, name="assessment-state"),
    # The form as a paper (web page and PDF) is made by reports, which lays out papers.
]
