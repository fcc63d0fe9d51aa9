import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from compliance.csv_export import write_alerts_csv
from compliance.models import Alert


class Command(BaseCommand):
    help = "Write the open alerts as CSV: customer id, rule, state, due date, responsible staff."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            help="Alerts open on this date, YYYY-MM-DD (default: open now)",
        )
        parser.add_argument("--output", help="File to write (default: standard output)")

    def handle(self, *args, as_of=None, output=None, **options):

        alerts = Alert.objects.all()
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of must be a date as YYYY-MM-DD; got {as_of!r}") from exc
            alerts = alerts.filter(opened_on__lte=day).exclude(resolved_on__lte=day)
        else:
            alerts = alerts.filter(resolved_at__isnull=True)
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                count = write_alerts_csv(alerts, handle)
            self.stderr.write(f"Wrote {count} open alerts to {output}.")
        else:
            write_alerts_csv(alerts, sys.stdout)
