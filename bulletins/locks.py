"""Locks that make concurrent writers take turns where the database alone would let them clash.

SQLite needs none of these: its write transactions begin IMMEDIATE (see settings), so only one
writer is ever inside one. PostgreSQL lets writers run side by side, which is right except where
two of them read the same "next free" value and both try to take it.
"""

from django.db import connection

# An arbitrary constant naming the lock in PostgreSQL's advisory-lock space.
_ISSUE_NUMBERS = 0x6E657773  # "news"


def lock_issue_numbers():
    """Hold, until the current transaction ends, the sole right to give out issue numbers.

    Call it inside `transaction.atomic()` before looking for a free number: another process
    doing the same waits here until this transaction has committed the number it took.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ISSUE_NUMBERS])
