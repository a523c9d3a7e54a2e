"""Basic flows through the newest 2.x client (mlflow-skinny 2.22.5), against both servers.

Run with .venv/mlflow2's python (scripts/test-python.sh does); under a 3.x interpreter conftest.py
leaves this module out, and under 2.x it leaves the 3.x modules out. The reference server is still
MLflow 3.18's, started by conftest.py from .venv/mlflow3.
"""

from __future__ import annotations

import math

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

from conftest import client_for, fluent, on_both, run_snapshot, unique_name

assert mlflow.__version__.startswith("2."), "run this module with .venv/mlflow2/bin/python"

MAX_DOUBLE = 1.7976931348623157e308


def test_v2_fluent_flow(server, reference):
    def flow(srv):
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("v2"))
            assert mlflow.set_experiment(exp.name).experiment_id == exp.experiment_id
            with mlflow.start_run(run_name="v2-run") as run:
                assert run.info.status == "RUNNING"
                mlflow.log_param("lr", 0.1)
                mlflow.log_params({"layers": 2, "empty": ""})
                mlflow.log_metric("loss", 1.0, step=0)
                mlflow.log_metric("loss", 0.5, step=1)
                mlflow.log_metric("nan", float("nan"))
                mlflow.log_metric("inf", float("inf"))
                mlflow.log_metrics({"acc": 0.9}, step=3)
                mlflow.set_tag("stage", "dev")
                mlflow.set_tags({"a": "1", "b": ""})
                with mlflow.start_run(nested=True) as child:
                    mlflow.log_param("depth", 1)
        c = client_for(srv)
        r = c.get_run(run.info.run_id)
        assert r.info.status == "FINISHED" and r.info.end_time >= r.info.start_time
        assert r.info.run_name == "v2-run"
        assert r.data.params == {"lr": "0.1", "layers": "2", "empty": ""}
        assert r.data.metrics["loss"] == 0.5 and math.isnan(r.data.metrics["nan"])
        assert r.data.metrics["inf"] == MAX_DOUBLE and r.data.metrics["acc"] == 0.9
        assert {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.")} == {"stage": "dev", "a": "1", "b": ""}
        ch = c.get_run(child.info.run_id)
        assert ch.data.tags["mlflow.parentRunId"] == run.info.run_id
        assert [m.value for m in c.get_metric_history(run.info.run_id, "loss")] == [1.0, 0.5]
        return run_snapshot(c, run.info.run_id)

    on_both(server, reference, flow)


def test_v2_log_batch_and_get_run(server, reference):
    def flow(srv):
        c = client_for(srv)
        eid = c.create_experiment(unique_name("v2batch"), tags={"k": "v"})
        assert c.get_experiment(eid).tags == {"k": "v"}
        rid = c.create_run(eid, run_name="batch").info.run_id
        c.log_batch(
            rid,
            metrics=[Metric(f"m{i % 10}", i, 1_000 + i, i) for i in range(1000)],
            params=[Param(f"p{i}", str(i)) for i in range(100)],
            tags=[RunTag(f"t{i}", "v") for i in range(100)],
        )
        r = c.get_run(rid)
        assert len(r.data.metrics) == 10 and r.data.metrics["m9"] == 999
        assert len(r.data.params) == 100
        assert len(c.get_metric_history(rid, "m3")) == 100
        c.set_terminated(rid, "FAILED")
        assert c.get_run(rid).info.status == "FAILED"
        return run_snapshot(c, rid)

    on_both(server, reference, flow)


def test_v2_errors(server):
    c = client_for(server)
    assert c.get_experiment_by_name(unique_name("missing")) is None
    with pytest.raises(MlflowException) as e:
        c.get_run("0123456789abcdef0123456789abcdef")
    assert e.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    rid = c.create_run(c.create_experiment(unique_name("v2err"))).info.run_id
    c.log_param(rid, "p", "1")
    with pytest.raises(MlflowException) as e:
        c.log_param(rid, "p", "2")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Changing param values is not allowed" in e.value.message
    with pytest.raises(MlflowException) as e:
        c.get_experiment("abc")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"


def test_v2_delete_restore(server):
    c = client_for(server)
    eid = c.create_experiment(unique_name("v2del"))
    rid = c.create_run(eid).info.run_id
    c.delete_run(rid)
    assert c.get_run(rid).info.lifecycle_stage == "deleted"
    c.restore_run(rid)
    assert c.get_run(rid).info.lifecycle_stage == "active"
    c.delete_experiment(eid)
    assert c.get_experiment(eid).lifecycle_stage == "deleted"
    c.restore_experiment(eid)
    c.rename_experiment(eid, unique_name("v2renamed"))
    assert c.get_experiment(eid).lifecycle_stage == "active"


# ------------------------------------------------------------------------------------------
# Tracing with the 2.x client: the legacy v2 trace API (StartTrace, EndTrace) and traces.json
# uploaded through the artifact proxy.


@mlflow.trace
def _traced(x):
    with mlflow.start_span("inner") as span:
        span.set_inputs({"x": x})
        span.set_outputs({"y": x + 1})
    mlflow.update_current_trace(tags={"client": "2.x"})
    return x + 1


def test_v2_client_tracing(server, reference):
    def flow(srv):
        import time

        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("v2-traces"))
            assert _traced(1) == 2
            trace_id = mlflow.get_last_active_trace().info.request_id
            time.sleep(1)
            trace = mlflow.get_trace(trace_id)
            found = mlflow.search_traces(experiment_ids=[exp.experiment_id], return_type="list") if "return_type" in mlflow.search_traces.__code__.co_varnames else None
            client = mlflow.MlflowClient(srv.url)
            client.set_trace_tag(trace_id, "k", "v")
            tags = dict(client.get_trace(trace_id).info.tags)
            deleted = client.delete_traces(exp.experiment_id, request_ids=[trace_id])
        tags.pop("mlflow.artifactLocation")
        return {
            "status": str(trace.info.status),
            "spans": [(s.name, s.inputs, s.outputs) for s in trace.data.spans],
            "found": len(found) if found is not None else None,
            "tags": tags,
            "deleted": deleted,
        }

    result = on_both(server, reference, flow)
    assert result["spans"][1] == ("inner", {"x": 1}, {"y": 2}) and result["deleted"] == 1
