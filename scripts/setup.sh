#!/usr/bin/env bash
# Installs everything the tests and the local stack need on a fresh Debian machine:
# Debian's PostgreSQL and Chromium, npm packages (Node 22 comes with them), the Python venvs
# with the official mlflow client, and the Worker's generated types. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/python-env.sh
bash scripts/postgres.sh
npm exec -- wrangler types src/worker-configuration.d.ts >/dev/null
echo "setup: done"
