"""Your account: a person's own API tokens, made, listed and revoked.

A token's plaintext exists only in the response to the POST that made it: it is never kept
in the session or the database, and that response may not be stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from api.account_forms import TokenForm
from api.models import ApiToken


def _own_tokens(request):
    """The signed-in person's live tokens: the only ones these pages ever read."""
    if not request.user.has_perm("api.manage_own_tokens"):
        raise PermissionDenied
    return ApiToken.objects.live().filter(user=request.user)


def _account_page(request, form: TokenForm):
    tokens = _own_tokens(request)
    return render(request, "api/account.html", {"tokens": tokens, "form": form})


@login_required
def account(request):
    return _account_page(request, TokenForm(user=request.user))


@login_required
def token_create(request):
    if request.method != "POST":
        return redirect("api:account")
    _own_tokens(request)
    form = TokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, form)
    token, plaintext = ApiToken.issue(
        request.user, form.cleaned_data["name"], form.cleaned_data["can_write"]
    )
    response = render(request, "api/account_token_created.html", {"token": token, "key": plaintext})
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = get_object_or_404(_own_tokens(request), pk=pk)
    if request.method == "POST":
        token.revoke()
        messages.success(request, f"Token “{token.name}” revoked: it can no longer be used.")
        return redirect("api:account")
    return render(request, "api/account_token_revoke.html", {"token": token})
