#!/usr/bin/env bash
# Runs the Python compatibility suites (test/python) with the official clients:
#   1. everything but test_mlflow2_client.py with .venv/mlflow3 (mlflow 3.18.0, the contract);
#   2. test_mlflow2_client.py with .venv/mlflow2 (mlflow-skinny 2.22.5).
# Every test runs against the reference server (started by the suite on a fresh Postgres
# database) and against ours at EDGE_MLFLOW_URL (default http://127.0.0.1:8787), which must be up.
#
# Extra arguments go to both pytest runs, e.g. `scripts/test-python.sh -k "not edge"` to check
# the suites against the reference alone, or `-x` to stop at the first failure.
# Exits non-zero if either run fails or collects no tests (pytest exit code 5).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/mlflow3/bin/python ] || [ ! -x .venv/mlflow2/bin/python ]; then
  bash scripts/python-env.sh || exit 1
fi

status=0
run() {
  local label=$1; shift
  echo "== $label: $*" >&2
  "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "== $label: no tests collected (pytest exit 5), counted as a failure" >&2
  fi
  if [ "$rc" -ne 0 ]; then
    echo "== $label: FAILED (exit $rc)" >&2
    status=1
  fi
}

run "mlflow 3.x client" .venv/mlflow3/bin/python -m pytest test/python \
  --ignore=test/python/test_mlflow2_client.py -q -p no:cacheprovider --durations=25 "$@"
run "mlflow 2.x client" .venv/mlflow2/bin/python -m pytest test/python/test_mlflow2_client.py \
  -q -p no:cacheprovider "$@"

exit "$status"
