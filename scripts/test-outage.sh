#!/usr/bin/env bash
# The fuller form of test/python/test_outage.py, by hand (`npm run test:outage`): a training
# script logging through a database outage, on both transports (DB_TRANSPORT=http and ws), with
# the path dropped and frozen, for EDGE_MLFLOW_OUTAGE_SECONDS (default 60 here; `npm test` runs
# the http/drop/30 s case only). About 8 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."

export EDGE_MLFLOW_OUTAGE_SECONDS=${EDGE_MLFLOW_OUTAGE_SECONDS:-60}
export EDGE_MLFLOW_OUTAGE_MODES=${EDGE_MLFLOW_OUTAGE_MODES:-drop,freeze}
status=0
for transport in http ws; do
  echo "== outage test, DB_TRANSPORT=$transport, modes $EDGE_MLFLOW_OUTAGE_MODES, $EDGE_MLFLOW_OUTAGE_SECONDS s" >&2
  DB_TRANSPORT=$transport npm exec -- node scripts/with-stack.mjs -- \
    .venv/mlflow3/bin/python -m pytest test/python/test_outage.py -q -p no:cacheprovider || status=1
done
exit "$status"
