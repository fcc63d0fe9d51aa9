"""Write customers and their case files in the import format.

    manage.py export_records DIR [--office CODE ...] [--customer NUMBER ...]

The files are those `import_records` reads (docs/import-format.md), identity columns
and SSNs included: keep DIR where the case files themselves may be kept.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulkdata.export import export_records
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Write every customer (or those of the given offices, or the given customer numbers) "
        "with their case files to DIR in the import format. See docs/import-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Folder to write the CSV files into")
        parser.add_argument(
            "--office", action="append", default=[], help="Only this office's customers (code)"
        )
        parser.add_argument(
            "--customer", action="append", default=[], help="Only this customer (customer number)"
        )

    def handle(
        self,
        *args: object,
        directory: Path,
        office: list[str],
        customer: list[str],
        **options: object,
    ) -> None:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        customers = Customer.objects.all()
        if office:
            customers = customers.filter(office__code__in=office)
        if customer:
            customers = customers.filter(customer_number__in=customer)
            missing = set(customer) - set(customers.values_list("customer_number", flat=True))
            if missing:
                raise CommandError(f"No customer has the number(s) {', '.join(sorted(missing))}.")
        written = export_records(directory, customers)
        for name, count in written.items():
            self.stdout.write(f"  {name}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"Exported to {directory}."))
