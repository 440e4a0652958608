#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth for the test
# suite: starts an installed cluster that is stopped, installs Debian's package if absent.
# Idempotent: does nothing when the server already answers.
set -euo pipefail

url_user=postgres
port=5432

answers() { psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -Atc 'select 1' >/dev/null 2>&1; }

if command -v psql >/dev/null 2>&1 && answers; then
  echo "postgres: answering on 127.0.0.1:$port"
else
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres: not installed; installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    echo "postgres: no cluster found under /etc/postgresql" >&2
    exit 1
  fi
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p "$port" >/dev/null 2>&1 && break
    sleep 1
  done
  if ! answers; then
    # A fresh Debian cluster asks for passwords on TCP; tests use trust on loopback only.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    sleep 1
  fi
  answers || { echo "postgres: still not answering on 127.0.0.1:$port" >&2; exit 1; }
fi

# The test suite connects to the `test` database and creates its own databases from there.
if ! psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -Atc "select 1 from pg_database where datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -c 'CREATE DATABASE test' >/dev/null
  echo "postgres: created database test"
fi
# Databases left behind by an interrupted run. Without FORCE, a database another test run is
# still using is left alone (the drop fails and is ignored).
psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -Atc \
  "select datname from pg_database where datname like 'binhdang_test_%'" |
  while read -r name; do
    psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -qc "DROP DATABASE IF EXISTS $name" 2>/dev/null || true
  done
