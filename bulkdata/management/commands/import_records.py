"""Import a legacy system's case files (customers, services, notes, plans, ...) from CSV.

    manage.py import_records DIR [--skip-invalid] [--as-of YYYY-MM-DD]

The format is in docs/import-format.md; the work is done by bulkdata.legacy_import.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulkdata.legacy_import import import_records


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD; got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Import the case files in DIR (customers.csv, services.csv, case_notes.csv, plans.csv, "
        "...) through the same rules as the forms, then evaluate the compliance rules as of "
        "--as-of. All or nothing unless --skip-invalid. See docs/import-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Folder holding the CSV files")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Load the good rows and list the bad ones, instead of loading nothing.",
        )
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="Evaluate the compliance rules for the imported customers as of this date, "
            "YYYY-MM-DD (default: today in each office's time zone).",
        )

    def handle(
        self,
        *args: object,
        directory: Path,
        skip_invalid: bool,
        as_of: datetime.date | None,
        **options: object,
    ) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        report = import_records(directory, skip_invalid=skip_invalid, as_of=as_of)
        for line in report.lines():
            self.stdout.write(line)
        if report.file_problems:
            raise CommandError("Nothing was imported: fix the file problems listed above.")
        if not report.loaded:
            bad = sum(c.skipped for c in report.counts.values())
            raise CommandError(
                f"Nothing was imported: {bad} row(s) have problems, listed above. Correct them "
                "and run again, or use --skip-invalid to load the other rows."
            )
        if report.problems:
            self.stdout.write(
                self.style.WARNING(
                    f"Imported, skipping {sum(c.skipped for c in report.counts.values())} row(s)."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))
