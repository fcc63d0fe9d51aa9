"""Write the federal participant record (PIRL) of a calendar quarter.

    manage.py export_pirl --quarter 2026Q2 [--output FILE] [--office CODE ...]

Comma-separated UTF-8 with one header row of PIRL numbers (bulkdata.pirl). The file
holds personal data (dates of birth, ZIP codes): keep it where case files may be kept.
A breach of the cross-field rules does not stop the file: each is written to standard
error with the count, and the command ends with status 0.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulkdata.pirl import pirl_problems, pirl_rows, quarter_bounds, write_pirl_csv
from casemgmt.clock import today
from casemgmt.models import Office
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Write the PIRL rows of a calendar quarter (every period of participation active in "
        "it) as CSV, and the breaches of the PIRL cross-field rules to standard error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True, help="Calendar quarter, as 2026Q2")
        parser.add_argument("--output", help="File to write (default: standard output)")
        parser.add_argument(
            "--office", action="append", default=[], help="Only this office's customers (code)"
        )

    def handle(
        self, *args: object, quarter: str, output: str | None, office: list[str], **options: object
    ) -> None:
        try:
            start, end = quarter_bounds(quarter)
        except ValueError as exc:
            raise CommandError(f"--quarter: {exc} Got {quarter!r}.") from exc
        customers = Customer.objects.all()
        if office:
            known = set(Office.objects.filter(code__in=office).values_list("code", flat=True))
            if missing := sorted(set(office) - known):
                raise CommandError(f"No office has the code(s) {', '.join(missing)}.")
            customers = customers.filter(office__code__in=office)
        made_on = today()
        rows = pirl_rows(quarter_start=start, quarter_end=end, customers=customers, made_on=made_on)
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                write_pirl_csv(rows, handle)
        else:
            write_pirl_csv(rows, self.stdout)  # type: ignore[arg-type]
        problems = pirl_problems(rows, made_on)
        for problem in problems:
            self.stderr.write(str(problem))
        where = f" to {output}" if output else ""
        self.stderr.write(
            f"Wrote {len(rows)} PIRL rows for {quarter.upper()}{where}; "
            f"{len(problems)} problem{'' if len(problems) == 1 else 's'} with the cross-field rules."
        )
