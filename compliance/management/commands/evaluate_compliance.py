import datetime

from django.core.management.base import BaseCommand, CommandError

from casemgmt.clock import today
from compliance.engine import evaluate


class Command(BaseCommand):
    help = "Evaluate every compliance rule (for every customer, or one) and keep the alerts true."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Evaluation date, YYYY-MM-DD (default: today)")
        parser.add_argument("--customer", type=int, help="Only this customer (database id)")

    def handle(self, *args, as_of=None, customer=None, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else today()
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD; got {as_of!r}") from exc
        result = evaluate(as_of=day, customer_ids=[customer] if customer else None)
        self.stdout.write(
            f"Compliance as of {day:%Y-%m-%d}: {result.opened} opened, {result.kept} kept, "
            f"{result.resolved} resolved, {result.exited} soft-exited."
        )
