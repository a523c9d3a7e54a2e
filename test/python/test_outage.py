"""A database outage in the middle of a training script, with the official client's own retries.

While a script logs metrics in a loop with ``mlflow.log_metric`` (MLflow 3.18, default retry
settings: 7 retries with exponential backoff, about 4 minutes in all), the path from our server to
its database goes away for 30 seconds (the local stand-in for Neon's proxy drops every connection,
or freezes). Our server answers 503 meanwhile; the script must ride it out and finish, with every
point stored. A 503 carrying ``Retry-After: 1`` would make the client retry once a second and give
up after about 7 seconds.

Only our server: the reference's database path cannot be cut from here.

Environment (set by scripts/with-stack.mjs):
  EDGE_MLFLOW_DB_LINKS          link control of the database stand-ins (scripts/lib/link-control.mjs)
  EDGE_MLFLOW_OUTAGE_SECONDS    how long the path is down (default 30)
  EDGE_MLFLOW_OUTAGE_MODES      comma-separated: drop (default), freeze
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import requests

from conftest import client_for, unique_name

LINKS = os.environ.get("EDGE_MLFLOW_DB_LINKS")
OUTAGE_SECONDS = float(os.environ.get("EDGE_MLFLOW_OUTAGE_SECONDS", "30"))
MODES = [m.strip() for m in os.environ.get("EDGE_MLFLOW_OUTAGE_MODES", "drop").split(",") if m.strip()]
POINTS = 60
# Points logged before the outage starts, so that it hits the loop in full swing.
POINTS_BEFORE_OUTAGE = 5

# The training script: a plain loop over mlflow.log_metric, reporting each logged step on stdout.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    import mlflow

    mlflow.set_tracking_uri(sys.argv[1])
    with mlflow.start_run(run_id=sys.argv[2]):
        for step in range(int(sys.argv[3])):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            print(step, flush=True)
            time.sleep(0.1)
    """
)

# The settings the conftest shortens for the other tests; the script runs with the client's defaults.
SHORTENED = ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "MLFLOW_HTTP_REQUEST_TIMEOUT")


def links(change: dict | None = None) -> list[dict]:
    if change is None:
        return requests.get(LINKS, timeout=10).json()
    r = requests.post(LINKS, json=change, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("mode", MODES)
def test_training_script_survives_a_database_outage(edge_server, mode):
    if not LINKS:
        pytest.fail("EDGE_MLFLOW_DB_LINKS must name the database stand-ins' link control (scripts/with-stack.mjs sets it)")
    client = client_for(edge_server)
    experiment_id = client.create_experiment(unique_name("outage"))
    run_id = client.create_run(experiment_id).info.run_id
    turned_away_before = sum(link["turnedAway"] for link in links())

    env = {k: v for k, v in os.environ.items() if k not in SHORTENED}
    script = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, edge_server.url, run_id, str(POINTS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        logged = 0
        while logged < POINTS_BEFORE_OUTAGE:
            line = script.stdout.readline()
            assert line, f"the script stopped before the outage: {script.stderr.read()}"
            logged += 1
        # Every link: the server's transport (http or ws) is the stack's choice.
        links({"outage": {"mode": mode, "seconds": OUTAGE_SECONDS}})
        out, err = script.communicate(timeout=OUTAGE_SECONDS + 300)
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
        links({"restore": True})

    assert script.returncode == 0, f"the training script failed during the outage:\n{err[-3000:]}"
    # (mlflow also prints where to view the run.)
    assert [int(l) for l in out.split() if l.isdigit()] == list(range(POINTS_BEFORE_OUTAGE, POINTS))
    # The outage was real: requests reached the cut path and were turned away.
    assert sum(link["turnedAway"] for link in links()) > turned_away_before
    history = client.get_metric_history(run_id, "loss")
    assert sorted(m.step for m in history) == list(range(POINTS))
