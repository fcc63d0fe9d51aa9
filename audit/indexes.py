"""Indexes the audit trail reads the update log by, on every event table.

pghistory creates one event table per tracked model, in the tracked model's app, with
no index on the time of the event. The audit trail lists events newest first and by
date range, and filters by staff member through the event's context; these indexes
keep each a walk of an index, not a sort of the whole log. They are ensured after
every `migrate`, so the event table of a model tracked later is indexed too.
"""

from django.db import connections
from pghistory.core import event_models


def index_name(table: str) -> str:
    return f"{table[:50]}_audit_time"


def index_update_log(using: str = "default", **_: object) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A migration back to before a table existed leaves nothing to index.
        tables = set(connection.introspection.table_names(cursor))
        for events in event_models():
            table = events._meta.db_table
            if table in tables:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {quote(index_name(table))} "  # noqa: S608
                    f"ON {quote(table)} (pgh_created_at, pgh_id)"
                )
        if "pghistory_context" in tables:
            # Whose change it was: the user id the request's context recorded.
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS pghistory_context_audit_user "
                "ON pghistory_context ((metadata -> 'user'))"
            )
