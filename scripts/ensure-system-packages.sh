#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing:
# gettext (to compile translations); with --postgres, PostgreSQL 15; with --browser, Chromium
# (the browser tests drive Debian's chromium with Playwright; no browser is downloaded); with
# --redis, redis-server (the two-instance test); with --bench, wrk (the load benchmarks).
set -euo pipefail

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
for option in "$@"; do
  case "$option" in
    --postgres) [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15) ;;
    --browser) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
    --redis) [ -x /usr/bin/redis-server ] || need+=(redis-server) ;;
    --bench) [ -x /usr/bin/wrk ] || need+=(wrk) ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${need[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
