"""API credentials: account tokens and spreadsheet keys, stored hashed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiKeyScope(models.TextChoices):
    ACCOUNT = "account", "Account token (header; reads and writes)"
    SPREADSHEET = "spreadsheet", "Spreadsheet key (in the URL; reads only)"


class ApiKey(models.Model):
    """An API credential, stored as a SHA-256 hash (the key is shown once, when made).

    An *account* token goes in the ``Authorization: Token`` header and acts as its
    user; a *spreadsheet* key goes in the URL (``?token=``) of ``IMPORTDATA`` and
    ``WEBSERVICE`` formulas and can only read. Both expire and can be revoked; a
    user holds at most one live key of each scope.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    scope = models.CharField(max_length=16, choices=ApiKeyScope.choices)
    prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to recognise it."
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.prefix}… of {self.user}"
