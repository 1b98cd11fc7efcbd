from django.urls import include, path

from api import docs, views

app_name = "api"

v1 = "api/v1/"
council = v1 + "councils/<slug:council_slug>/"
plan = council + "plans/<slug:plan_slug>/"

urlpatterns: list = [
    # The account page's personal API tokens (api/account_urls.py).
    path("", include("api.account_urls")),
    path("api/", docs.api_docs, name="docs"),
    path("api/schema/", docs.schema, name="schema"),
    path("councils/<slug:council_slug>/open-data/", docs.open_data, name="open-data"),
    path(v1 + "councils/", views.CouncilList.as_view(), name="council-list"),
    path(council, views.CouncilDetail.as_view(), name="council-detail"),
    path(council + "plans/", views.PlanList.as_view(), name="plan-list"),
    path(council + "actions/", views.ActionList.as_view(), name="council-actions"),
    path(council + "recommendations/", views.RecommendationList.as_view(), name="recommendations"),
    path(council + "assessments/", views.AssessmentList.as_view(), name="assessments"),
    path(council + "papers/", views.PaperList.as_view(), name="papers"),
    path(plan, views.PlanDetail.as_view(), name="plan-detail"),
    path(plan + "workstreams/", views.WorkstreamList.as_view(), name="workstreams"),
    path(plan + "actions/", views.ActionList.as_view(), name="plan-actions"),
    path(plan + "actions/<int:pk>/", views.ActionDetail.as_view(), name="action-detail"),
    path(plan + "actions/<int:pk>/updates/", views.ActionUpdates.as_view(), name="action-updates"),
    path(plan + "updates/", views.UpdateList.as_view(), name="plan-updates"),
    path(plan + "measures/", views.MeasureList.as_view(), name="measures"),
]
