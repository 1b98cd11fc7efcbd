from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults

from config.health import health, live
from councils.views import PasswordChangeView, PasswordResetConfirmView, PasswordResetView

urlpatterns = [
    path("healthz", health, name="health"),
    path("livez", live, name="live"),
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The plan and council pages first: Django tries each pattern in turn, and these are
    # what most requests ask for (a public dashboard resolved after the other apps' patterns
    # tried 78 of them).
    path("", include("actionplans.urls")),
    path("", include("councils.urls")),
    path("", include("reports.urls")),
    path("", include("impact.urls")),
    path("", include("scrutiny.urls")),
    path("", include("search.urls")),
    path("", include("home.urls")),
    path("", include("following.urls")),
    path("", include("api.urls")),
]


def not_found(request, exception):
    """An address nothing answers: a page, or under /api/ the API's JSON error."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Nothing is at this address."}, status=404)
    return defaults.page_not_found(request, exception)


handler404 = not_found
