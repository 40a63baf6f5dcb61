"""Long work on Celery workers: what a job runs, where it is, and its result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from instruments.models.scenarios import calculator_choices, validate_calculator


class JobKind(models.TextChoices):
    """What a job runs."""

    CALCULATION = "calculation", gettext_noop("one calculation")
    BATCH = "batch", gettext_noop("a batch of calculations")
    SENSITIVITY = "sensitivity", gettext_noop("a sensitivity analysis")
    EXPORT = "export", gettext_noop("an export of a data list")
    IMPORT = "import", gettext_noop("an import of a published file")


class JobState(models.TextChoices):
    """Where a job is: queued → running → succeeded, failed or cancelled."""

    QUEUED = "queued", gettext_noop("queued")
    RUNNING = "running", gettext_noop("running")
    SUCCEEDED = "succeeded", gettext_noop("succeeded")
    FAILED = "failed", gettext_noop("failed")
    CANCELLED = "cancelled", gettext_noop("cancelled")


DONE_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class Job(models.Model):
    """Long work handed to a worker (``services/jobs.py``): its request, state,
    progress and result. The id is a random UUID, so an anonymous job is readable
    only by whoever holds its link; a signed-in user's job only by that user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    calculator = models.CharField(
        max_length=40,
        choices=calculator_choices,
        validators=[validate_calculator],
        blank=True,  # an export runs no calculator
    )
    request = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    client = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="The address an anonymous job came from (its quota of jobs at once).",
    )
    state = models.CharField(
        max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(
        null=True, blank=True, help_text="The 400 body: field path → messages."
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life: when it was handed to a worker, then each "
        "progress report while it runs (the sweeper's clock).",
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times it was handed to a worker."
    )

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["owner", "-created"], name="job_owner_created"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
            models.Index(fields=["client", "state"], name="job_client_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.calculator} {self.id} ({self.state})"

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES
