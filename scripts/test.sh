#!/usr/bin/env bash
# The one test command (`npm test`, and what .ci/run calls). Installs what is missing, then runs
# every suite against real parts: Worker tests in workerd on PGlite and on Debian's PostgreSQL,
# schema parity with MLflow 3.18, the official mlflow client (3.18 and 2.x) against our server and
# the reference server side by side (a 30-second database outage included), the UI in Chromium,
# and a production build.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0
failed=0
failures=()
suite() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

suite "typecheck" npm exec -- tsc --noEmit -p .
suite "typecheck (UI)" npm exec -- tsc --noEmit -p ui
suite "unit tests (search languages, request decoding, paths; node)" npm run test:unit
suite "worker tests (PGlite)" npm exec -- vitest run
suite "worker tests (PostgreSQL)" env TEST_DB=postgres npm exec -- vitest run test/worker
suite "node tests (schema parity, migrations, Neon HTTP stand-in conformance, bench smoke)" npm run test:node
suite "official client + differential (python)" npm exec -- node scripts/with-stack.mjs -- bash scripts/test-python.sh
suite "reliability (concurrency, fuzz vs the reference; CI size)" npm run test:reliability
if [ -d test/ui ]; then
  suite "UI in Chromium" npm run test:ui
fi
suite "production build (wrangler deploy --dry-run)" npm run build

echo
[ ${#failures[@]} -eq 0 ] || printf 'failed suite: %s\n' "${failures[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
