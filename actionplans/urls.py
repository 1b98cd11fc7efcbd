from django.urls import path

from actionplans import views

app_name = "actionplans"

urlpatterns = [
    path("", views.home, name="home"),
    path("councils/<slug:council_slug>/", views.council_detail, name="council-detail"),
    path(
        "councils/<slug:council_slug>/plans/<slug:plan_slug>/",
        views.plan_detail,
        name="plan-detail",
    ),
    path(
        "councils/<slug:council_slug>/plans/<slug:plan_slug>/actions/<int:pk>/",
        views.action_detail,
        name="action-detail",
    ),
]
