from django.urls import path

from api import account_views

urlpatterns: list = [
    path("account/", account_views.account, name="account"),
    path("account/tokens/", account_views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", account_views.token_revoke, name="token-revoke"),
]
