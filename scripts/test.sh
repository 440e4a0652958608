#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, then every test on SQLite and on
# PostgreSQL (started or installed first if needed; LibreOffice too, for the `check` tests).
# Run from anywhere: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Reuse a build directory outside the clone when one exists, so CI on a machine that has
# built before does not start from nothing; a fresh machine simply builds it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/binhdang/target}"
export BINHDANG_TEST_POSTGRES_URL="${BINHDANG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

bash scripts/ensure-postgres.sh
bash scripts/ensure-libreoffice.sh
bash scripts/ensure-chromium.sh

if ! command -v cargo-nextest >/dev/null 2>&1; then
  echo "cargo-nextest missing; installing it from crates.io"
  cargo install --locked cargo-nextest
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

logs=$(mktemp -d)
echo "== tests on SQLite and without a database"
cargo nextest run --workspace --locked --no-fail-fast -E 'not test(/::postgres$/)' 2>&1 | tee "$logs/sqlite.log"
echo "== tests on PostgreSQL ($BINHDANG_TEST_POSTGRES_URL)"
cargo nextest run --workspace --locked --no-fail-fast -E 'test(/::postgres$/)' 2>&1 | tee "$logs/postgres.log"

count() { grep -Eo '[0-9]+ tests? run: [0-9]+ passed' "$1" | tail -n 1; }
sqlite_tests=$(grep -Eo '::sqlite' "$logs/sqlite.log" | wc -l)
echo
echo "SQLite and database-free: $(count "$logs/sqlite.log") ($sqlite_tests of them on SQLite)"
echo "PostgreSQL:               $(count "$logs/postgres.log")"
