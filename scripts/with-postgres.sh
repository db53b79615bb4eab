#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster, then stop and delete the cluster.
# The cluster listens on a unix socket in a private temporary directory (no TCP port), and
# DATABASE_URL points the command at it. The cluster is stopped even when the command fails.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/ensure-system-packages.sh" --postgres

tmp=$(mktemp -d /tmp/newsroom-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$tmp"
  as_owner=(runuser -u postgres --)
fi

stop() {
  "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

"${as_owner[@]}" "$PGBIN/initdb" -D "$tmp/data" --username=postgres --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-k $tmp -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$tmp/server.log"; exit 1; }

"${as_owner[@]}" "$PGBIN/createdb" -h "$tmp" -U postgres newsroom

socket_dir=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$tmp")
export DATABASE_URL="postgres://postgres@${socket_dir}/newsroom"
"$@"
