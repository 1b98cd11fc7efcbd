"""Signing in to the API with a personal token (api.models.ApiToken), what a read-only token
may not do, and how often a token or a signed-out visitor may call.

The API views name these in REST_FRAMEWORK by dotted path. Rates come from the settings
API_TOKEN_RATE and API_ANON_RATE rather than REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, so
they can be changed per site from the environment."""

from __future__ import annotations

import rules
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from api.models import ApiToken

KEYWORDS = {b"bearer", b"token"}
# Far longer than any token we issue; anything longer is not worth hashing.
LONGEST_KEY = 200
NOT_VALID = "This API token is not valid or has been revoked."
MALFORMED = 'Send the token in the Authorization header as "Bearer <token>".'
READ_ONLY = "This token is read-only: make a token that may record updates on your account page."


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`). No such header: anonymous, for
    the next authentication class or the permissions to decide. A token that is wrong,
    revoked, or whose owner can no longer sign in: 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2 or len(parts[1]) > LONGEST_KEY:
            raise exceptions.AuthenticationFailed(MALFORMED)
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(NOT_VALID) from None
        token = ApiToken.authenticate_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(NOT_VALID)
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenMayWrite(permissions.BasePermission):
    """Reading is open to any token; changing anything needs a token that may record updates.
    A request without a token (the site's own session) passes to the other permissions."""

    message = READ_ONLY

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return rules.has_perm("api.write_with_token", request.user, token)


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Calls per token (settings.API_TOKEN_RATE): one person's two tools count apart, and a
    leaked token cannot use up its owner's other tokens. Requests without a token pass."""

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Calls per address from signed-out visitors (settings.API_ANON_RATE)."""

    scope = "api_anon"

    def get_rate(self) -> str:
        return settings.API_ANON_RATE

    def get_ident(self, request) -> str:
        """The client's address as the sign-in lockout counts it (settings.PROXY_COUNT):
        X-Forwarded-For only behind proxies said to set it, since any client can send one."""
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if settings.PROXY_COUNT and forwarded:
            addresses = [address.strip() for address in forwarded.split(",")]
            return addresses[-min(settings.PROXY_COUNT, len(addresses))]
        return request.META.get("REMOTE_ADDR", "")


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents TokenAuthentication in the OpenAPI schema (loaded by ApiConfig.ready)."""

    target_class = "api.tokens.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token, made on your account page (/account/) and sent as "
                "`Authorization: Bearer cap_…`. A read-only token may read what its owner "
                "may see; only a token that may record updates can post progress updates."
            ),
        }
