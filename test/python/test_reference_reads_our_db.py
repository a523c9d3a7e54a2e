"""Our server and MLflow's share one database schema, so each must read what the other wrote.

For the server under test (``server``), a second reference ``mlflow server`` is started on the
database that server uses (for ``edge``: EDGE_MLFLOW_DATABASE_URL; for ``reference``: the session's
own database, which proves the harness itself). Then:

* forward: a run logged through the server under test reads back identically, field for field
  (ids and times included, since it is the same row), through that server and the second reader;
* reverse: a run logged through the second (reference) process reads back identically through the
  server under test.

Not covered: our server reading the *session* reference database, which would need a second
instance of our Worker pointed at another database; the reverse direction above gives the same
evidence on our own database.
"""

from __future__ import annotations

import math
import os

import mlflow
import pytest
from mlflow.data.http_dataset_source import HTTPDatasetSource
from mlflow.data.meta_dataset import MetaDataset

from conftest import ReferenceProcess, Server, client_for, to_sqlalchemy_url, unique_name
from test_tracking_client import fluent


@pytest.fixture(scope="module")
def second_references(session_tmp):
    """One second reference process per database, shared by this module's tests."""
    procs: dict[str, ReferenceProcess] = {}

    def start(server) -> Server:
        if server.name not in procs:
            if server.name == "edge":
                url = os.environ.get("EDGE_MLFLOW_DATABASE_URL")
                if not url:
                    pytest.fail("EDGE_MLFLOW_DATABASE_URL must name the Postgres database the edge server uses",
                                pytrace=False)
            else:
                url = server.db_url
            art = session_tmp / f"second-on-{server.name}-db"
            art.mkdir(parents=True, exist_ok=True)
            procs[server.name] = ReferenceProcess(to_sqlalchemy_url(url), art, art / "server.log")
        return Server(f"second-on-{server.name}-db", procs[server.name].url, server.db_url)

    yield start
    for proc in procs.values():
        proc.stop()


@pytest.fixture
def second_reference(server, second_references):
    """A reference server on the same database as ``server``."""
    return second_references(server)


def canon(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    return v


def full_view(srv, run_id: str) -> dict:
    """Everything the client can read about a run and its experiment, ids and times included."""
    c = client_for(srv)
    run = c.get_run(run_id)
    exp = c.get_experiment(run.info.experiment_id)
    keys = sorted(run.data.metrics)
    return canon({
        "info": dict(run.info),
        "metrics": run.data.metrics,
        "params": run.data.params,
        "tags": run.data.tags,
        "inputs": sorted(
            (dict(d.dataset), sorted((t.key, t.value) for t in d.tags)) for d in run.inputs.dataset_inputs
        ) if run.inputs else [],
        "history": {k: [(m.key, m.value, m.timestamp, m.step) for m in c.get_metric_history(run_id, k)] for k in keys},
        "experiment": {k: v for k, v in dict(exp).items()},
    })


def log_sample_run(srv) -> tuple[str, str]:
    """Logs a run with params, metrics (NaN, ±inf, steps), tags, a dataset input and a child."""
    ds = MetaDataset(source=HTTPDatasetSource("https://example.com/train.csv"), name="train", digest="abc123")
    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("shared-db"))
        client_for(srv).set_experiment_tag(exp.experiment_id, "team", "edge")
        with mlflow.start_run(run_name="shared", description="written by " + srv.name) as run:
            mlflow.log_params({"lr": 0.01, "optimizer": "adam", "empty": ""})
            for step in range(5):
                mlflow.log_metric("loss", 1 / (step + 1), step=step, timestamp=1_700_000_000_000 + step)
            mlflow.log_metrics({"nan": float("nan"), "pinf": float("inf"), "ninf": float("-inf")}, step=7)
            mlflow.set_tags({"stage": "dev", "unicode": "ünï", "gone": "x"})
            mlflow.delete_tag("gone")
            mlflow.log_input(ds, context="training")
            with mlflow.start_run(run_name="child", nested=True) as child:
                mlflow.log_param("depth", 2)
    return run.info.run_id, child.info.run_id


def assert_same(writer, readers, run_ids):
    for rid in run_ids:
        views = {srv.name: full_view(srv, rid) for srv in [writer, *readers]}
        first = views[writer.name]
        for name, view in views.items():
            if view != first:
                from differential import diff_text

                raise AssertionError(
                    f"run {rid} reads differently through {name} than through {writer.name} (its writer):\n  "
                    + "\n  ".join(diff_text(first, view, names=(writer.name, name))[:40])
                )
        assert first["params"] == {"lr": "0.01", "optimizer": "adam", "empty": ""} or first["params"] == {"depth": "2"}


def test_shared_db_forward(server, second_reference):
    run_ids = log_sample_run(server)
    assert_same(server, [second_reference], run_ids)
    view = full_view(second_reference, run_ids[0])
    assert view["metrics"]["loss"] == 0.2 and view["metrics"]["nan"] == "NaN"
    assert view["metrics"]["pinf"] == 1.7976931348623157e308
    assert [h[3] for h in view["history"]["loss"]] == [0, 1, 2, 3, 4]
    assert view["inputs"][0][0]["name"] == "train"
    assert view["experiment"]["tags"] == {"team": "edge"}


def test_shared_db_reverse(server, second_reference):
    run_ids = log_sample_run(second_reference)
    assert_same(second_reference, [server], run_ids)
