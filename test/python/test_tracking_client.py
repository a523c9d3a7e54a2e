"""End-to-end flows through the official MLflow 3.x client (fluent API and MlflowClient).

Each test runs once per server (see conftest.py). Flows are written as functions of a server that
return a *snapshot* (ids and times removed); on the edge server the same flow is also run against
the reference and the snapshots must be equal, besides the concrete assertions in the test.
"""

from __future__ import annotations

import math
import re
import time

import mlflow
import pytest
from mlflow.entities import Metric, Param, RunStatus, RunTag
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from conftest import client_for, fluent, norm_value, on_both_once, run_snapshot, unique_name

MAX_DOUBLE = 1.7976931348623157e308


# The reference's result per flow, so the edge variant of a test reuses the reference variant's run.


# ------------------------------------------------------------------------------------------
# Experiments


def test_set_experiment_creates_then_reuses(server, reference):
    def flow(srv):
        name = unique_name("setexp")
        with fluent(srv):
            exp = mlflow.set_experiment(name)
            again = mlflow.set_experiment(name)
            client = client_for(srv)
            got = client.get_experiment(exp.experiment_id)
            by_name = client.get_experiment_by_name(name)
            assert exp.experiment_id == again.experiment_id == got.experiment_id == by_name.experiment_id
            assert re.fullmatch(r"\d+", exp.experiment_id)
            assert got.name == name and got.lifecycle_stage == "active"
            assert got.creation_time and got.last_update_time and got.creation_time <= got.last_update_time
            assert got.artifact_location.endswith("/" + exp.experiment_id)
            assert got.artifact_location == f"mlflow-artifacts:/{exp.experiment_id}"
            return {"name": got.name == name, "tags": got.tags, "stage": got.lifecycle_stage}

    on_both_once(server, reference, flow)


def test_get_experiment_by_name_missing_is_none(server):
    assert client_for(server).get_experiment_by_name(unique_name("missing")) is None


def test_experiment_tags_rename_delete_restore(server, reference):
    def flow(srv):
        c = client_for(srv)
        name = unique_name("exptags")
        eid = c.create_experiment(name, tags={"owner": "alice", "empty": ""})
        c.set_experiment_tag(eid, "stage", "dev")
        c.set_experiment_tag(eid, "stage", "prod")  # overwrite
        c.delete_experiment_tag(eid, "owner")
        exp = c.get_experiment(eid)
        assert exp.tags == {"empty": "", "stage": "prod"}

        c.rename_experiment(eid, name + "-renamed")
        assert c.get_experiment_by_name(name) is None
        assert c.get_experiment_by_name(name + "-renamed").experiment_id == eid

        c.delete_experiment(eid)
        deleted = c.get_experiment(eid)
        assert deleted.lifecycle_stage == "deleted"
        # A deleted experiment is still found by name (and set_experiment refuses it).
        assert c.get_experiment_by_name(name + "-renamed").lifecycle_stage == "deleted"
        with fluent(srv), pytest.raises(MlflowException, match="Cannot set a deleted experiment"):
            mlflow.set_experiment(name + "-renamed")

        c.restore_experiment(eid)
        restored = c.get_experiment(eid)
        assert restored.lifecycle_stage == "active"
        assert restored.last_update_time >= deleted.creation_time
        return {"tags": restored.tags, "stage": restored.lifecycle_stage}

    on_both_once(server, reference, flow)


# ------------------------------------------------------------------------------------------
# Runs


def test_start_run_nested_and_end_run(server, reference):
    def flow(srv):
        with fluent(srv):
            mlflow.set_experiment(unique_name("nested"))
            with mlflow.start_run(run_name="parent", description="hello") as parent:
                assert parent.info.status == "RUNNING"
                assert parent.info.run_name == "parent"
                assert parent.info.artifact_uri == (
                    f"mlflow-artifacts:/{parent.info.experiment_id}/{parent.info.run_id}/artifacts"
                )
                with mlflow.start_run(run_name="child", nested=True) as child:
                    mlflow.log_param("depth", 1)
                with mlflow.start_run(nested=True) as child2:  # generated name
                    pass
            c = client_for(srv)
            p = c.get_run(parent.info.run_id)
            ch = c.get_run(child.info.run_id)
            ch2 = c.get_run(child2.info.run_id)
            assert p.info.status == ch.info.status == "FINISHED"
            assert p.info.end_time >= p.info.start_time > 0
            assert ch.data.tags["mlflow.parentRunId"] == parent.info.run_id
            assert "mlflow.parentRunId" not in p.data.tags
            assert p.data.tags["mlflow.runName"] == "parent"
            assert p.data.tags["mlflow.note.content"] == "hello"
            assert ch2.info.run_name and ch2.data.tags["mlflow.runName"] == ch2.info.run_name
            assert re.fullmatch(r"[0-9a-f]{32}", parent.info.run_id)
            return [run_snapshot(c, r.info.run_id, names={parent.info.run_id: "<parent>"}) for r in (parent, child)]

    on_both_once(server, reference, flow)


@pytest.mark.parametrize("status", ["FINISHED", "FAILED", "KILLED"])
def test_end_run_status(server, status):
    with fluent(server):
        mlflow.set_experiment(unique_name("status"))
        run = mlflow.start_run()
        mlflow.end_run(status=status)
    got = client_for(server).get_run(run.info.run_id)
    assert got.info.status == status
    assert got.info.end_time is not None and got.info.end_time >= got.info.start_time


def test_exception_in_with_block_marks_run_failed(server):
    with fluent(server):
        mlflow.set_experiment(unique_name("failed"))
        with pytest.raises(ZeroDivisionError):
            with mlflow.start_run() as run:
                1 / 0
    assert client_for(server).get_run(run.info.run_id).info.status == "FAILED"


def test_resume_run(server):
    with fluent(server):
        mlflow.set_experiment(unique_name("resume"))
        with mlflow.start_run() as run:
            pass
        with mlflow.start_run(run_id=run.info.run_id, tags={"resumed": "yes"}):
            assert mlflow.get_run(run.info.run_id).info.status == "RUNNING"
    got = client_for(server).get_run(run.info.run_id)
    assert got.info.status == "FINISHED" and got.data.tags["resumed"] == "yes"


def test_client_update_run_and_set_terminated(server):
    c = client_for(server)
    eid = c.create_experiment(unique_name("update"))
    run = c.create_run(eid, run_name="first", start_time=1_000)
    assert run.info.start_time == 1_000 and run.info.end_time is None
    c.update_run(run.info.run_id, name="second")
    c.set_terminated(run.info.run_id, status="KILLED", end_time=5_000)
    got = c.get_run(run.info.run_id)
    assert (got.info.run_name, got.info.status, got.info.end_time) == ("second", "KILLED", 5_000)
    assert got.data.tags["mlflow.runName"] == "second"
    c.update_run(run.info.run_id, status="RUNNING")
    assert c.get_run(run.info.run_id).info.status == "RUNNING"


def test_params_metrics_tags(server, reference):
    def flow(srv):
        with fluent(srv):
            mlflow.set_experiment(unique_name("pmt"))
            with mlflow.start_run() as run:
                rid = run.info.run_id
                mlflow.log_param("lr", 0.01)
                mlflow.log_param("lr", 0.01)  # same value: allowed
                mlflow.log_params({"layers": 3, "name": "ünïcode", "empty": "", "none": None})
                mlflow.log_metric("loss", 1.0, step=0, timestamp=1_000)
                mlflow.log_metric("loss", 0.5, step=1, timestamp=2_000)
                mlflow.log_metric("loss", 0.7, step=1, timestamp=1_500)  # older: not latest
                mlflow.log_metric("loss", 9.9, step=0, timestamp=9_000)  # lower step: not latest
                mlflow.log_metric("nan", float("nan"), step=2, timestamp=3_000)
                mlflow.log_metric("pinf", float("inf"))
                mlflow.log_metric("ninf", float("-inf"))
                mlflow.log_metric("zero", 0)
                mlflow.log_metric("big step", 1.5, step=2**40, timestamp=2**42)
                mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=5)
                mlflow.set_tag("stage", "dev")
                mlflow.set_tags({"a/b": "1", "c.d": "2", "e-f g:h": "", "gone": "x"})
                mlflow.delete_tag("gone")
        c = client_for(srv)
        r = c.get_run(rid)
        m = r.data.metrics
        assert m["loss"] == 0.5
        assert math.isnan(m["nan"])
        assert m["pinf"] == MAX_DOUBLE and m["ninf"] == -MAX_DOUBLE  # ±inf stored clamped
        assert (m["zero"], m["acc"], m["f1"], m["big step"]) == (0, 0.9, 0.8, 1.5)
        assert r.data.params == {"lr": "0.01", "layers": "3", "name": "ünïcode", "empty": "", "none": "None"}
        tags = {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.")}
        assert tags == {"stage": "dev", "a/b": "1", "c.d": "2", "e-f g:h": ""}
        assert r.data.tags["mlflow.user"]
        assert r.data.tags["mlflow.source.type"] == "LOCAL"
        hist = c.get_metric_history(rid, "loss")
        assert [(h.step, h.timestamp, h.value) for h in hist] == [
            (0, 1_000, 1.0), (1, 1_500, 0.7), (1, 2_000, 0.5), (0, 9_000, 9.9)
        ]
        assert all(h.key == "loss" for h in hist)
        nan_hist = c.get_metric_history(rid, "nan")
        assert len(nan_hist) == 1 and math.isnan(nan_hist[0].value) and nan_hist[0].step == 2
        assert [h.value for h in c.get_metric_history(rid, "ninf")] == [-MAX_DOUBLE]
        assert [(h.step, h.timestamp) for h in c.get_metric_history(rid, "big step")] == [(2**40, 2**42)]
        assert c.get_metric_history(rid, "never-logged") == []
        snap = run_snapshot(c, rid)
        snap["history"] = [(h.step, h.timestamp, norm_value(h.value)) for h in hist]
        return snap

    on_both_once(server, reference, flow)


def test_log_batch_max_sizes(server, reference):
    def flow(srv):
        c = client_for(srv)
        eid = c.create_experiment(unique_name("batch"))
        rid = c.create_run(eid).info.run_id
        metrics = [Metric(f"m{i}", i * 0.5, 1_000 + i, i % 10) for i in range(1000)]
        params = [Param(f"p{i}", f"v{i}") for i in range(100)]
        tags = [RunTag(f"t{i}", "x" * i) for i in range(100)]
        c.log_batch(rid, metrics=metrics, params=params, tags=tags)
        r = c.get_run(rid)
        assert len(r.data.metrics) == 1000 and r.data.metrics["m999"] == 499.5
        assert len(r.data.params) == 100 and r.data.params["p42"] == "v42"
        user_tags = {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.")}
        assert len(user_tags) == 100 and user_tags["t7"] == "xxxxxxx" and user_tags["t0"] == ""
        # The client splits over-size batches itself; the server sees only legal requests.
        c.log_batch(rid, metrics=[Metric("split", i, 5_000 + i, i) for i in range(2500)],
                    params=[Param(f"q{i}", "v") for i in range(250)])
        assert len(c.get_metric_history(rid, "split")) == 2500
        assert len(c.get_run(rid).data.params) == 350
        return run_snapshot(c, rid)

    on_both_once(server, reference, flow)


def test_metric_history_over_25000_points(server):
    """The client pages get-history 25,000 points at a time; 26,000 points need two pages."""
    c = client_for(server)
    rid = c.create_run(c.create_experiment(unique_name("history"))).info.run_id
    n = 26_000
    t0 = time.time()
    for start in range(0, n, 1000):
        c.log_batch(rid, metrics=[Metric("loss", (i % 97) / 7, 1_000_000 + i, i) for i in range(start, start + 1000)])
    hist = c.get_metric_history(rid, "loss")
    assert len(hist) == n
    assert [h.step for h in hist] == list(range(n))
    assert hist[12_345].value == (12_345 % 97) / 7 and hist[-1].timestamp == 1_000_000 + n - 1
    assert c.get_run(rid).data.metrics["loss"] == ((n - 1) % 97) / 7
    assert time.time() - t0 < 120, "26,000 points took too long to log and read"


def test_delete_and_restore_run(server):
    c = client_for(server)
    eid = c.create_experiment(unique_name("delrun"))
    rid = c.create_run(eid).info.run_id
    c.log_param(rid, "p", "1")
    c.delete_run(rid)
    r = c.get_run(rid)  # a deleted run is still readable
    assert r.info.lifecycle_stage == "deleted" and r.data.params == {"p": "1"}
    c.restore_run(rid)
    assert c.get_run(rid).info.lifecycle_stage == "active"
    c.log_param(rid, "q", "2")  # writable again
    assert c.get_run(rid).data.params == {"p": "1", "q": "2"}


def test_log_input_dataset(server, reference):
    def flow(srv):
        from mlflow.data.meta_dataset import MetaDataset
        from mlflow.data.http_dataset_source import HTTPDatasetSource

        ds = MetaDataset(source=HTTPDatasetSource("https://example.com/iris.csv"), name="iris", digest="d1g3st")
        with fluent(srv):
            mlflow.set_experiment(unique_name("inputs"))
            with mlflow.start_run() as run:
                mlflow.log_input(ds, context="training", tags={"split": "train"})
                mlflow.log_input(ds, context="eval")
        c = client_for(srv)
        inputs = c.get_run(run.info.run_id).inputs.dataset_inputs
        assert {d.dataset.name for d in inputs} == {"iris"}
        ctx = sorted(t.value for d in inputs for t in d.tags if t.key == "mlflow.data.context")
        assert ctx in (["eval", "training"], ["training"], ["eval"])  # reported as the reference does
        assert inputs[0].dataset.source_type == "http"
        return run_snapshot(c, run.info.run_id)

    on_both_once(server, reference, flow)


# ------------------------------------------------------------------------------------------
# Errors: the same MlflowException (error_code, message modulo ids) on both servers.


def _deleted_run(c, ctx):
    rid = c.create_run(c.create_experiment(ctx["name"])).info.run_id
    c.delete_run(rid)
    ctx["run"] = rid
    return rid


def _live_run(c, ctx):
    rid = c.create_run(c.create_experiment(ctx["name"])).info.run_id
    ctx["run"] = rid
    return rid


def _deleted_experiment(c, ctx):
    eid = c.create_experiment(ctx["name"])
    c.delete_experiment(eid)
    ctx["exp"] = eid
    return eid


def _changed_param(c, ctx):
    rid = _live_run(c, ctx)
    c.log_param(rid, "lr", "0.1")
    c.log_param(rid, "lr", "0.2")


def _changed_param_batch(c, ctx):
    rid = _live_run(c, ctx)
    c.log_param(rid, "lr", "0.1")
    c.log_batch(rid, params=[Param("lr", "0.2")])


def _duplicate_experiment(c, ctx):
    c.create_experiment(ctx["name"])
    c.create_experiment(ctx["name"])


def _create_run_in_deleted_experiment(c, ctx):
    c.create_run(_deleted_experiment(c, ctx))


def _rename_deleted_experiment(c, ctx):
    c.rename_experiment(_deleted_experiment(c, ctx), ctx["name"] + "-x")


UNKNOWN_RUN = "0123456789abcdef0123456789abcdef"
RUN_NOT_FOUND = rf"Run with id={UNKNOWN_RUN} not found"
ACTIVE_STATE = r"The run <run> must be in the 'active' state\. Current state is deleted\."
BAD_NAME = r"Names may only contain alphanumerics, underscores \(_\), dashes \(-\), periods \(\.\), spaces \( \), colon\(:\) and slashes \(/\)\."

# (id, scenario(client, ctx) that must raise, error_code, regex the normalised message must match)
ERROR_CASES = [
    ("change_param_value", _changed_param, "INVALID_PARAMETER_VALUE",
     r"Changing param values is not allowed\. Param with key='lr' was already logged with value='0\.1' "
     r"for run ID='<run>'\. Attempted logging new value '0\.2'\."),
    ("change_param_value_batch", _changed_param_batch, "INVALID_PARAMETER_VALUE",
     r"Changing param values is not allowed\. Params were already logged="
     r"'\[\{'key': 'lr', 'old_value': '0\.1', 'new_value': '0\.2'\}\]' for run ID='<run>'\."),
    ("get_unknown_run", lambda c, ctx: c.get_run(UNKNOWN_RUN), "RESOURCE_DOES_NOT_EXIST", RUN_NOT_FOUND),
    ("log_to_unknown_run", lambda c, ctx: c.log_metric(UNKNOWN_RUN, "m", 1), "RESOURCE_DOES_NOT_EXIST", RUN_NOT_FOUND),
    ("param_to_unknown_run", lambda c, ctx: c.log_param(UNKNOWN_RUN, "p", 1), "RESOURCE_DOES_NOT_EXIST", RUN_NOT_FOUND),
    ("delete_unknown_run", lambda c, ctx: c.delete_run(UNKNOWN_RUN), "RESOURCE_DOES_NOT_EXIST", RUN_NOT_FOUND),
    ("get_unknown_experiment", lambda c, ctx: c.get_experiment("987654321"), "RESOURCE_DOES_NOT_EXIST",
     r"No Experiment with id=987654321 exists"),
    ("run_in_unknown_experiment", lambda c, ctx: c.create_run("987654321"), "RESOURCE_DOES_NOT_EXIST",
     r"No Experiment with id=987654321 exists"),
    ("delete_unknown_experiment", lambda c, ctx: c.delete_experiment("987654321"), "RESOURCE_DOES_NOT_EXIST",
     r"No Experiment with id=987654321 exists"),
    ("bad_experiment_id", lambda c, ctx: c.get_experiment("abc"), "INVALID_PARAMETER_VALUE",
     r"Invalid experiment ID 'abc'\. Experiment ID must be a valid integer\."),
    ("run_in_bad_experiment_id", lambda c, ctx: c.create_run("abc"), "INVALID_PARAMETER_VALUE",
     r"Invalid experiment ID 'abc'\. Experiment ID must be a valid integer\."),
    ("bad_metric_name", lambda c, ctx: c.log_metric(_live_run(c, ctx), "bad!name", 1), "INVALID_PARAMETER_VALUE",
     r"Invalid value \"bad!name\" for parameter 'name' supplied: " + BAD_NAME),
    ("bad_param_name", lambda c, ctx: c.log_param(_live_run(c, ctx), "bad!name", 1), "INVALID_PARAMETER_VALUE",
     r"Invalid value \"bad!name\" for parameter 'key' supplied: " + BAD_NAME),
    ("bad_tag_name", lambda c, ctx: c.set_tag(_live_run(c, ctx), "bad!name", 1), "INVALID_PARAMETER_VALUE",
     r"Invalid value \"bad!name\" for parameter 'key' supplied: " + BAD_NAME),
    ("param_name_escapes", lambda c, ctx: c.log_param(_live_run(c, ctx), "../up", 1), "INVALID_PARAMETER_VALUE",
     r"Invalid value \"\.\./up\" for parameter 'key' supplied: Names may be treated as files in certain cases, "
     r"and must not resolve to other names when treated as such\. This name would resolve to '\.\./up'"),
    ("long_param_key", lambda c, ctx: c.log_param(_live_run(c, ctx), "k" * 251, 1), "INVALID_PARAMETER_VALUE",
     r"'Param key' exceeds the maximum length of 250 characters"),
    ("long_metric_key", lambda c, ctx: c.log_metric(_live_run(c, ctx), "k" * 251, 1), "INVALID_PARAMETER_VALUE",
     r"'Metric name' exceeds the maximum length of 250 characters"),
    ("long_tag_key", lambda c, ctx: c.set_tag(_live_run(c, ctx), "k" * 251, 1), "INVALID_PARAMETER_VALUE",
     r"'key' exceeds the maximum length of 250 characters"),
    ("long_experiment_name", lambda c, ctx: c.create_experiment("x" * 501), "INVALID_PARAMETER_VALUE",
     r"'name' exceeds the maximum length of 500 characters"),
    ("negative_timestamp", lambda c, ctx: c.log_metric(_live_run(c, ctx), "m", 1, timestamp=-5),
     "INVALID_PARAMETER_VALUE",
     r"Invalid value -5 for parameter 'timestamp' supplied: metric 'm' \(value=1\.0\)\. "
     r"Timestamp must be a nonnegative long \(64-bit integer\) "),
    ("metric_to_deleted_run", lambda c, ctx: c.log_metric(_deleted_run(c, ctx), "m", 1), "INVALID_PARAMETER_VALUE",
     ACTIVE_STATE),
    ("param_to_deleted_run", lambda c, ctx: c.log_param(_deleted_run(c, ctx), "p", 1), "INVALID_PARAMETER_VALUE",
     ACTIVE_STATE),
    ("tag_to_deleted_run", lambda c, ctx: c.set_tag(_deleted_run(c, ctx), "t", 1), "INVALID_PARAMETER_VALUE",
     ACTIVE_STATE),
    ("batch_to_deleted_run", lambda c, ctx: c.log_batch(_deleted_run(c, ctx), params=[Param("p", "1")]),
     "INVALID_PARAMETER_VALUE", ACTIVE_STATE),
    ("terminate_deleted_run", lambda c, ctx: c.set_terminated(_deleted_run(c, ctx)), "INVALID_PARAMETER_VALUE",
     ACTIVE_STATE),
    ("run_in_deleted_experiment", _create_run_in_deleted_experiment, "INVALID_PARAMETER_VALUE",
     r"The experiment <exp> must be in the 'active' state\. Current state is deleted\."),
    ("duplicate_experiment_name", _duplicate_experiment, "RESOURCE_ALREADY_EXISTS",
     # The reference continues with the database driver's error text; only this part is contract.
     r"Experiment\(name=<name>\) already exists\."),
    ("delete_missing_tag", lambda c, ctx: c.delete_tag(_live_run(c, ctx), "nope"), "RESOURCE_DOES_NOT_EXIST",
     r"No tag with name: nope in run with id <run>"),
    ("restore_active_experiment", lambda c, ctx: c.restore_experiment(c.create_experiment(ctx["name"])),
     "RESOURCE_DOES_NOT_EXIST", r"No Experiment with id=<any> exists"),
    ("run_name_conflicts_with_tag",
     lambda c, ctx: c.create_run(c.create_experiment(ctx["name"]), run_name="a", tags={"mlflow.runName": "b"}),
     "INVALID_PARAMETER_VALUE",
     r"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
     r"\(run_name='a', mlflow.runName='b'\)\."),
]


def capture_error(server, scenario) -> tuple[str, str]:
    c = client_for(server)
    ctx = {"name": unique_name("err")}
    with pytest.raises(MlflowException) as info:
        scenario(c, ctx)
    e = info.value
    msg = e.message
    # RestException prefixes "<CODE>: "; the client appends advice after a blank line for params.
    msg = re.sub(r"^[A-Z_]+: ", "", msg).split("\n\n")[0]
    for key in ("run", "exp"):
        if key in ctx:
            msg = re.sub(rf"(?<![\w]){re.escape(str(ctx[key]))}(?![\w])", f"<{key}>", msg)
    msg = msg.replace(ctx["name"], "<name>")
    return e.error_code, msg


@pytest.mark.parametrize("scenario,code,pattern", [pytest.param(*c[1:], id=c[0]) for c in ERROR_CASES])
def test_error_cases(server, reference, scenario, code, pattern):
    got_code, msg = capture_error(server, scenario)
    assert got_code == code, msg
    assert re.match(pattern.replace("<any>", r"\d+"), msg), f"message {msg!r} does not match {pattern!r}"
    if server.name != "reference":
        ref_code, ref_msg = capture_error(reference, scenario)
        assert got_code == ref_code
        # Exact wording must match, except where the reference embeds database text or an id we
        # cannot name.
        if code != "RESOURCE_ALREADY_EXISTS" and "<any>" not in pattern:
            assert msg == ref_msg


def test_long_values_are_truncated(server):
    """Param values over 6000 and tag values over 8000 characters are truncated, not rejected."""
    c = client_for(server)
    rid = c.create_run(c.create_experiment(unique_name("trunc"))).info.run_id
    c.log_param(rid, "long", "v" * 7000)
    c.set_tag(rid, "long", "t" * 9000)
    r = c.get_run(rid)
    assert r.data.params["long"] == "v" * 6000
    assert r.data.tags["long"] == "t" * 8000


def test_run_status_enum_roundtrip(server):
    c = client_for(server)
    rid = c.create_run(c.create_experiment(unique_name("enum"))).info.run_id
    for status in ("SCHEDULED", "FAILED", "RUNNING", "KILLED", "FINISHED"):
        c.update_run(rid, status=status)
        assert c.get_run(rid).info.status == status
        assert RunStatus.from_string(c.get_run(rid).info.status) == RunStatus.from_string(status)
