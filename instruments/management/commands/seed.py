"""``manage.py seed``: load seeds/ into the database, idempotently.

Prices go through the same import service as the admin's import; run it as often as
you like: the second run finds nothing to change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from instruments.services import seeding


class Command(BaseCommand):
    help = "Load commodities, price series and prices, partners, parameters, producers and precedent scenarios from seeds/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seeds-dir",
            type=Path,
            default=None,
            help="Folder with the seed files (default: seeds/ beside manage.py).",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Username recorded in the audit history as the one who seeded.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'.")
        try:
            report = seeding.seed_database(seeds_dir=options["seeds_dir"], user=user)
        except seeding.SeedError as exc:
            raise CommandError(f"Nothing was seeded. {exc}") from exc
        if options["verbosity"] >= 1:
            for name, count in report.counts.items():
                created = report.created.get(name, 0)
                updated = report.updated.get(name, 0)
                self.stdout.write(
                    f"{name:>20}: {count:>5}  ({created} new, {updated} updated)"
                )
            self.stdout.write(self.style.SUCCESS(f"Seeded in {report.seconds:.2f} s."))
