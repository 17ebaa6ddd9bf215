#!/usr/bin/env bash
# Make a local PostgreSQL server available for the tests and print its URL.
#
#   scripts/postgres.sh ensure   install (Debian, as root) and start a server on 127.0.0.1,
#                                create the test role, print the admin URL on stdout
#
# The tests create and drop one database per test through this role.
set -euo pipefail

PORT="${STORYWEAVE_PG_PORT:-5432}"
ROLE=storyweave
PASSWORD=storyweave
URL="postgresql://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/postgres"

log() { echo "postgres.sh: $*" >&2; }

ensure_installed() {
  if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ]; then log "PostgreSQL is not installed and we are not root: install 'postgresql'"; exit 1; fi
  log "installing PostgreSQL from Debian"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

ensure_running() {
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    pg_createcluster "$version" main >&2
  fi
  local cluster
  cluster=$(pg_lsclusters -h | head -n 1 | awk '{print $1" "$2}')
  # The Debian default listen_addresses is 'localhost': loopback only.
  pg_conftool $cluster set port "$PORT" >/dev/null
  if ! pg_lsclusters -h | head -n 1 | grep -q online; then
    pg_ctlcluster $cluster start >&2
  fi
  for _ in $(seq 1 30); do
    if su postgres -c "psql -p $PORT -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
  done
  su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -tAc \"DO \\\$\\\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
      CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
    END IF; END \\\$\\\$;\"" >/dev/null
  # DROP DATABASE ... WITH (FORCE) must also end an autovacuum worker that happens to be in
  # the test database; that worker belongs to no role, so only pg_signal_backend may end it.
  su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -tAc 'GRANT pg_signal_backend TO $ROLE'" >/dev/null
}

case "${1:-ensure}" in
  ensure)
    ensure_installed
    ensure_running
    echo "$URL"
    ;;
  *) log "usage: $0 ensure"; exit 2 ;;
esac
