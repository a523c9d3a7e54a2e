#!/usr/bin/env bash
# Builds the Python virtualenvs the tests use:
#   .venv/mlflow3  – the official client and reference server, mlflow==3.18.0 (the contract)
#   .venv/mlflow2  – the newest 2.x client (mlflow-skinny), for backwards-compatibility tests
# Idempotent: a venv that already has the right version is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
MLFLOW3=3.18.0
MLFLOW2=2.22.5
PY=${PYTHON:-python3}

# has_version VENV DIST VERSION: is DIST==VERSION installed in VENV?
has_version() { [ -x "$1/bin/python" ] && "$1/bin/python" - "$2" "$3" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
sys.exit(0 if m.version(sys.argv[1]) == sys.argv[2] else 1)
PYEOF
}

mkdir -p .venv
# A companion package of another release (mlflow-skinny/mlflow-tracing) would shadow files of the
# 3.18.0 package: treat such a venv as broken and rebuild it.
companions_ok() {
  "$1/bin/python" - "$2" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
for dist in ("mlflow-skinny", "mlflow-tracing"):
    try:
        if m.version(dist) != sys.argv[1]:
            sys.exit(1)
    except m.PackageNotFoundError:
        pass
PYEOF
}
if ! has_version .venv/mlflow3 mlflow "$MLFLOW3" || ! companions_ok .venv/mlflow3 "$MLFLOW3"; then
  rm -rf .venv/mlflow3
  "$PY" -m venv .venv/mlflow3
  pip3="./.venv/mlflow3/bin/pip"
  "$pip3" install -q --upgrade pip >/dev/null
  if ! "$pip3" install -q "mlflow==$MLFLOW3" psycopg2-binary "psycopg[binary]" pytest requests; then
    # The registry mirror sometimes carries the full `mlflow` wheel of a release before its
    # `mlflow-skinny`/`mlflow-tracing` companions. The full wheel holds the whole `mlflow`
    # package, so install the previous release's dependency set, then swap in the wheel.
    echo "mlflow==$MLFLOW3 dependencies unavailable; installing its wheel over the 3.17.2 dependency set" >&2
    "$pip3" install -q "mlflow==3.17.2" psycopg2-binary "psycopg[binary]" pytest requests
    "$pip3" uninstall -q -y mlflow mlflow-skinny mlflow-tracing
    "$pip3" install -q --no-deps "mlflow==$MLFLOW3"
  fi
fi
# Test-only extras, checked every run (pip is quick when they are present): MLflow's basic-auth
# client needs flask-wtf (the mlflow[auth] extra), boto3 for s3:// roots; our Cloudflare Access header plugin is installed
# from this repository so the client loads its entry point.
# The plugin goes in with --no-deps: resolving its `mlflow` requirement could pull mlflow-skinny
# 3.17.2 over the 3.18.0 files (see the fallback above).
# boto3: the client (and the reference server) reach s3:// artifact roots in the local store with it.
if ! ./.venv/mlflow3/bin/python -c "import flask_wtf, mlflow_cf_access, boto3" 2>/dev/null; then
  ./.venv/mlflow3/bin/pip install -q flask-wtf boto3
  ./.venv/mlflow3/bin/pip install -q --no-deps -e plugins/mlflow-cf-access
fi
# A plain OpenTelemetry SDK exporter for the trace tests (the version of the SDK mlflow pulled in).
if ! ./.venv/mlflow3/bin/python -c "import opentelemetry.exporter.otlp.proto.http" 2>/dev/null; then
  otel=$(./.venv/mlflow3/bin/python -c 'import importlib.metadata as m; print(m.version("opentelemetry-sdk"))')
  ./.venv/mlflow3/bin/pip install -q "opentelemetry-exporter-otlp-proto-http==$otel"
fi
if ! has_version .venv/mlflow2 mlflow-skinny "$MLFLOW2"; then
  rm -rf .venv/mlflow2
  "$PY" -m venv .venv/mlflow2
  ./.venv/mlflow2/bin/pip install -q --upgrade pip >/dev/null
  ./.venv/mlflow2/bin/pip install -q "mlflow-skinny==$MLFLOW2" pytest requests
fi
# mlflow-skinny 2.22's span processor predates OpenTelemetry SDK 1.34 (it does not initialise the
# `_shutdown` flag newer SDKs read), so 2.x tracing needs the SDK of its time.
if ! ./.venv/mlflow2/bin/python - <<'PYEOF' 2>/dev/null
import importlib.metadata as m, sys
sys.exit(0 if m.version("opentelemetry-sdk") == "1.33.1" else 1)
PYEOF
then
  ./.venv/mlflow2/bin/pip install -q "opentelemetry-sdk==1.33.1" "opentelemetry-api==1.33.1" 2>&1 | grep -v "dependency resolver\|incompatible" || true
fi
./.venv/mlflow3/bin/python -c "import mlflow; print('mlflow', mlflow.__version__, 'ready in .venv/mlflow3')"
./.venv/mlflow2/bin/python -c "import mlflow; print('mlflow', mlflow.__version__, 'ready in .venv/mlflow2')"
