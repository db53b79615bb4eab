#!/usr/bin/env bash
# Run the whole test suite on SQLite, then again on a throwaway PostgreSQL cluster.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pytest=${PYTEST:-.venv/bin/pytest}

echo "=== Test suite on SQLite ==="
env -u DATABASE_URL "$pytest" "$@"
sqlite_status=$?

echo "=== Test suite on PostgreSQL ==="
bash "$here/with-postgres.sh" "$pytest" "$@"
postgres_status=$?

echo "SQLite: exit $sqlite_status; PostgreSQL: exit $postgres_status"
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]
