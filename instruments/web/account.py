"""The official's account: their API token and spreadsheet key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from instruments import selectors
from instruments.models import ApiKeyScope
from instruments.services import accounts
from instruments.web.shortcuts import LOGIN_URL

if TYPE_CHECKING:
    from instruments.web.shortcuts import AuthenticatedHttpRequest


@login_required(login_url=LOGIN_URL)
def account_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, replace or revoke the account token and the spreadsheet key. A new key
    is shown once, on the page that answers the POST (only its hash is stored)."""
    new_key = None
    if request.method == "POST":
        scope = request.POST.get("scope") or ApiKeyScope.ACCOUNT
        if scope not in ApiKeyScope.values:
            raise Http404("No such kind of key")
        if request.POST.get("action") == "create":
            issued = accounts.issue_key(user=request.user, scope=scope)
            new_key = {"scope": scope, "key": issued.key}
            if scope == ApiKeyScope.ACCOUNT:
                created = gettext(
                    "A new account token was created. Copy it now: it is shown "
                    "only once."
                )
            else:
                created = gettext(
                    "A new spreadsheet key was created. Copy it now: it is shown "
                    "only once."
                )
            messages.success(request, created)
        else:
            accounts.revoke_key(user=request.user, scope=scope)
            if scope == ApiKeyScope.ACCOUNT:
                revoked = gettext("Your account token was revoked; it no longer works.")
            else:
                revoked = gettext(
                    "Your spreadsheet key was revoked; it no longer works."
                )
            messages.success(request, revoked)
            return redirect("instruments:account_tokens")
    keys = selectors.get_api_keys(request.user)
    response = render(
        request,
        "instruments/account_tokens.html",
        {
            "account": keys.get(ApiKeyScope.ACCOUNT),
            "spreadsheet": keys.get(ApiKeyScope.SPREADSHEET),
            "new_key": new_key,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
