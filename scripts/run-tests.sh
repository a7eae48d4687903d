#!/usr/bin/env bash
# Runs every test (typecheck, buf lint, eslint, prettier, vitest) and ends with the totals line `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp -d)/vitest.json
failed_checks=0
passed_checks=0
check() {
  local name=$1; shift
  if "$@"; then passed_checks=$((passed_checks + 1)); else echo "FAILED: $name" >&2; failed_checks=$((failed_checks + 1)); fi
}
check "typecheck" node_modules/.bin/tsc -p tsconfig.json
check "buf lint" node_modules/.bin/buf lint
check "eslint" node_modules/.bin/eslint .
check "prettier" node_modules/.bin/prettier --check --log-level warn .
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_status=$?
node scripts/test-summary.mjs "$report" "$passed_checks" "$failed_checks"
summary_status=$?
[ "$vitest_status" -eq 0 ] && [ "$failed_checks" -eq 0 ] && [ "$summary_status" -eq 0 ]
