"""Import customers, services and case notes from a legacy system's CSV files.

    manage.py import_records DIR [--skip-invalid]

The format is in docs/import-format.md; the work is done by bulkdata.legacy_import.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulkdata.legacy_import import import_records


class Command(BaseCommand):
    help = (
        "Import customers.csv, services.csv and case_notes.csv from DIR through the same rules "
        "as the forms. All or nothing unless --skip-invalid. See docs/import-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Folder holding the CSV files")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Load the good rows and list the bad ones, instead of loading nothing.",
        )

    def handle(self, *args: object, directory: Path, skip_invalid: bool, **options: object) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        report = import_records(directory, skip_invalid=skip_invalid)
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
