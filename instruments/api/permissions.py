"""Who may do what through the API.

- Reading (reference data, calculator runs, public scenarios) is open to everyone unless
  ``REQUIRE_LOGIN`` (older name ``API_REQUIRE_LOGIN``) is set, in which case a login or a token is needed.
- Running a calculator by POST writes nothing, so it counts as reading.
- Reference data is written only by users holding the model's add/change/delete
  permission: the "Data stewards" group and staff granted it (superusers hold all).
- A scenario is changed or deleted by its owner or a superuser; a precedent (no owner)
  also by users holding ``change_scenario`` / ``delete_scenario`` (data stewards).
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import (
    SAFE_METHODS,
    BasePermission,
    DjangoModelPermissions,
)

from webapp.security import login_required_everywhere


def may_read(request: Any) -> bool:
    """Reads are anonymous unless the deployment requires a login."""
    return not login_required_everywhere() or bool(
        request.user and request.user.is_authenticated
    )


def reads_are_open() -> bool:
    """Whether anonymous reads are allowed at all (the schema says so per operation)."""
    return not login_required_everywhere()


class ReadOpen(BasePermission):
    """Calculators: GET and POST are both reads (nothing is stored)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return may_read(request)

    def allows_anonymous(self, method: str) -> bool:
        """Whether the OpenAPI schema declares anonymous access for ``method``."""
        return reads_are_open()


class StewardWriteOrRead(DjangoModelPermissions):
    """Reference data: reads per ``may_read``; writes need the model permission."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return may_read(request)
        return super().has_permission(request, view)

    def allows_anonymous(self, method: str) -> bool:
        return method in SAFE_METHODS and reads_are_open()


class ScenarioAccess(BasePermission):
    """Reads per ``may_read``; creating needs a login; changing needs ownership, a
    superuser, or (for precedents) the model permission. Another user's private scenario is filtered out of the queryset,
    so it is a 404, not a 403."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return may_read(request)
        return bool(request.user and request.user.is_authenticated)

    def allows_anonymous(self, method: str) -> bool:
        return method in SAFE_METHODS and reads_are_open()

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if obj.owner_id is not None and obj.owner_id == user.pk:
            return True
        if user.is_superuser:
            return True
        # Precedents have no owner: whoever holds the model permission (data
        # stewards) curates them; other users' scenarios stay theirs.
        action = "delete" if request.method == "DELETE" else "change"
        return obj.owner_id is None and user.has_perm(f"instruments.{action}_scenario")


class TokenAccess(BasePermission):
    """The token endpoint: anyone may POST a username and password; seeing (GET) or
    revoking (DELETE) a token needs a sign-in (401 without one)."""

    MESSAGES = {
        "GET": "Sign in to see your token.",
        "DELETE": "Sign in to revoke your token.",
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in ("POST", "OPTIONS"):
            return True
        if request.user and request.user.is_authenticated:
            return True
        self.message = self.MESSAGES.get(request.method, "Sign in first.")
        return False

    def allows_anonymous(self, method: str) -> bool:
        return method == "POST"
