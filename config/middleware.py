"""Site-wide rules for requests and responses that no single view should have to remember."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# Characters no form field or filter accepts, and that PostgreSQL cannot store at all.
FORBIDDEN = ("\x00",)


def refuse_nul_characters(get_response):
    """A query string carrying a NUL character is a bad request, answered as one: it would
    otherwise reach a database query and fail there."""

    def middleware(request):
        for key, values in request.GET.lists():
            if any(char in key or any(char in value for value in values) for char in FORBIDDEN):
                if request.path.startswith("/api/"):
                    # The API answers in JSON, errors included (api/schema_hooks.py).
                    return JsonResponse(
                        {
                            "detail": "The query string has a NUL character, which no "
                            "parameter accepts."
                        },
                        status=400,
                    )
                return render(request, "400.html", status=400)
        return get_response(request)

    return middleware


def private_when_signed_in(get_response):
    """Pages for a signed-in person are theirs alone: no shared cache, browser history cache
    or proxy may keep them. Responses that set their own caching (the council's stylesheet,
    immutable and the same for everyone) keep it."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
