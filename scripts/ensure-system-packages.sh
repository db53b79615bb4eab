#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing:
# gettext (to compile translations) and, with --postgres, PostgreSQL 15.
set -euo pipefail

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ "${1:-}" = "--postgres" ] && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  need+=(postgresql-15)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
