from django.urls import path

from home import views

app_name = "home"

urlpatterns = [
    path("home/", views.my_home, name="home"),
    path(
        "councils/<slug:council_slug>/plans/<slug:plan_slug>/follow/",
        views.follow_plan,
        name="follow-plan",
    ),
]
