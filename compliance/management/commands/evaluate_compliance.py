import datetime

from django.core.management.base import BaseCommand, CommandError

from compliance.engine import evaluate, evaluate_due


class Command(BaseCommand):
    help = (
        "Evaluate the compliance rules and keep the alerts true: the daily run (the "
        "customers whose clock has come, new or changed), every customer (--all), or one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            help="Evaluation date for every customer, YYYY-MM-DD "
            "(default: today in each customer's office)",
        )
        parser.add_argument("--customer", type=int, help="Only this customer (database id)")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everyone",
            help="Every customer (the full evaluation), not only those whose clock has come",
        )

    def handle(self, *args, as_of=None, customer=None, everyone=False, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD; got {as_of!r}") from exc
        if customer:
            result = evaluate(as_of=day, customer_ids=[customer])
        elif everyone:
            result = evaluate(as_of=day)
        else:
            result = evaluate_due(as_of=day)
        when = f"as of {day:%Y-%m-%d}" if day else "as of today in each office"
        self.stdout.write(
            f"Compliance {when}: {result.evaluated} customers evaluated, {result.opened} opened, {result.kept} kept, "
            f"{result.resolved} resolved, {result.exited} soft-exited, "
            f"{result.exits_undone} soft exits undone, "
            f"{result.exit_dates_moved} exit dates moved."
        )
