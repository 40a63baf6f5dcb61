"""The "Data stewards" group: exactly the permissions needed to maintain the data.

Kept apart from the services (which imports the calculators) so that ``migrate`` can
create the group from a post_migrate handler with nothing else loaded.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

DATA_STEWARDS = "Data stewards"
STEWARD_MODELS = (
    "commodity",
    "priceseries",
    "priceobservation",
    "partner",
    "partnergroup",
    "producer",
    "fxrate",
    "parameterschedule",
    "tradeflow",
    "commodityhscode",
    "productionvolume",
    "commodityproduction",
    "elasticityestimate",
    "commodityelasticity",
    "project",
    "exportcontrol",
    "declaredstockpile",
)
"""Models the Data stewards group may add, change, delete and view."""

STEWARD_EXTRA_PERMISSIONS = ("view_scenario", "change_scenario")
"""Scenarios: stewards review and edit the seeded precedents (the admin limits them to
precedents); they cannot add or delete scenarios, nor touch users or groups."""

STEWARD_SIGN_IN_PERMISSIONS = (
    "view_accessattempt",
    "delete_accessattempt",
    "view_accessfailurelog",
)
"""django-axes: stewards see failed sign-ins and unlock a locked-out username or
address (deleting its *Access attempts* row) without waiting for the cool-off."""


def steward_permission_codenames() -> list[str]:
    codenames = [
        f"{action}_{model}"
        for model in STEWARD_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    return codenames + list(STEWARD_EXTRA_PERMISSIONS)


def ensure_data_stewards_group() -> Group:
    """Create or update the group so that it has exactly the stewards' permissions."""
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="instruments",
            codename__in=steward_permission_codenames(),
        )
    ) + list(
        Permission.objects.filter(
            content_type__app_label="axes", codename__in=STEWARD_SIGN_IN_PERMISSIONS
        )
    )
    group, _ = Group.objects.get_or_create(name=DATA_STEWARDS)
    group.permissions.set(permissions)
    return group


def create_data_stewards_group(
    sender: Any, app_config: Any = None, **kwargs: Any
) -> None:
    """post_migrate handler: make sure permissions exist, then the group."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    using = kwargs.get("using", "default")
    create_permissions(app_config, verbosity=0, using=using)
    if apps.is_installed("axes"):  # its own handler may not have run yet
        create_permissions(apps.get_app_config("axes"), verbosity=0, using=using)
    ensure_data_stewards_group()
