"""Differential REST tests: the same raw requests go to the reference server and to ours, and the
normalised answers (status, JSON structure, key sets, value types, enum names, NaN encoding,
omitted-vs-empty fields, error codes and messages) must be identical.

With ``server=reference`` a case runs against the reference only and checks the statuses written in
the case, which keeps the expectations honest. With ``server=edge`` it runs against both servers
and compares every step. Cases are data: see differential.py for the step format.
"""

from __future__ import annotations

import json

import pytest

from differential import parse_json, run_differential

PREFIXES = ["/api/2.0", "/ajax-api/2.0"]
T0 = 1_700_000_000_000  # fixed timestamps we send, so answers are comparable

# ------------------------------------------------------------------------------------------
# Building blocks

NEW_EXP = {
    "name": "create experiment",
    "method": "POST", "path": "${P}/mlflow/experiments/create", "json": {"name": "${name}"},
    "expect": 200, "save": {"exp_id": "experiment_id"},
}
NEW_RUN = {
    "name": "create run",
    "method": "POST", "path": "${P}/mlflow/runs/create",
    "json": {"experiment_id": "${exp_id}", "start_time": T0, "user_id": "alice",
             "tags": [{"key": "team", "value": "a"}]},
    "expect": 200, "save": {"run_id": "run.info.run_id", "run_name": "run.info.run_name"},
}
GET_RUN = {"name": "get run", "method": "GET", "path": "${P}/mlflow/runs/get", "params": {"run_id": "${run_id}"}, "expect": 200}
GET_EXP = {"name": "get experiment", "method": "GET", "path": "${P}/mlflow/experiments/get",
           "params": {"experiment_id": "${exp_id}"}, "expect": 200}


def post(path: str, body, expect: int = 200, **extra) -> dict:
    return {"method": "POST", "path": "${P}/mlflow/" + path, "json": body, "expect": expect, **extra}


def get(path: str, params, expect: int = 200, **extra) -> dict:
    return {"method": "GET", "path": "${P}/mlflow/" + path, "params": params, "expect": expect, **extra}


def history(key: str, expect: int = 200, **params) -> dict:
    extra = {k: params.pop(k) for k in ("save", "error_code") if k in params}
    return get("metrics/get-history", {"run_id": "${run_id}", "metric_key": key, **params}, expect, **extra)


def assert_json_4xx(resp, codes=("INVALID_PARAMETER_VALUE", "BAD_REQUEST")):
    """Our behaviour where the reference answers a client error with an HTML 500."""
    assert 400 <= resp.status_code < 500, f"expected a 4xx, got {resp.status_code}: {resp.text[:300]}"
    body = parse_json(resp)
    assert isinstance(body, dict) and body.get("error_code") in codes, resp.text[:300]
    assert isinstance(body.get("message"), str) and body["message"]


def status_in(*codes):
    """Our behaviour where the reference is lenient in a way no official client relies on: either
    the reference's answer or a clean 400 is fine."""

    def check(resp):
        assert resp.status_code in codes, f"expected one of {codes}, got {resp.status_code}: {resp.text[:300]}"
        if resp.status_code >= 400:
            assert_json_4xx(resp)

    return check


def assert_empty_404(resp):
    assert resp.status_code == 404
    assert resp.text == "", f"unknown route must answer an empty 404 body, got {resp.text[:200]!r}"


MISSING = "INVALID_PARAMETER_VALUE"

# ------------------------------------------------------------------------------------------
# Cases. Each is run under both /api/2.0 and /ajax-api/2.0.

CASES: dict[str, list[dict]] = {
    "experiment_lifecycle": [
        {**NEW_EXP, "json": {"name": "${name}", "tags": [{"key": "owner", "value": "me"}, {"key": "empty", "value": ""}]}},
        GET_EXP,
        get("experiments/get-by-name", {"experiment_name": "${name}"}),
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "k", "value": "v"}),
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "k", "value": "v2"}),
        post("experiments/delete-experiment-tag", {"experiment_id": "${exp_id}", "key": "owner"}),
        post("experiments/delete-experiment-tag", {"experiment_id": "${exp_id}", "key": "owner"}, 404,
             error_code="RESOURCE_DOES_NOT_EXIST"),
        post("experiments/update", {"experiment_id": "${exp_id}", "new_name": "${name}-renamed"}),
        get("experiments/get-by-name", {"experiment_name": "${name}-renamed"}),
        get("experiments/get-by-name", {"experiment_name": "${name}"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("experiments/delete", {"experiment_id": "${exp_id}"}),
        GET_EXP,
        get("experiments/get-by-name", {"experiment_name": "${name}-renamed"}),
        # Deleting twice / restoring an active experiment: the store looks only at the other state.
        post("experiments/delete", {"experiment_id": "${exp_id}"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        # Renaming a deleted experiment: the reference raises INVALID_STATE, which maps to HTTP 500,
        # so the client retries a deterministic error. Ours must answer a 4xx.
        post("experiments/update", {"experiment_id": "${exp_id}", "new_name": "${name}-x"}, 400, ref_expect=500,
             edge_check=lambda r: assert_json_4xx(r, ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"))),
        post("experiments/restore", {"experiment_id": "${exp_id}"}),
        post("experiments/restore", {"experiment_id": "${exp_id}"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        GET_EXP,
    ],
    "experiment_errors": [
        NEW_EXP,
        {**NEW_EXP, "save": {}, "expect": 400, "error_code": "RESOURCE_ALREADY_EXISTS",
         # The reference appends the database driver's error text after this sentence.
         "message_prefix": "Experiment(name=${name}) already exists."},
        post("experiments/create", {}, 400, error_code=MISSING),
        post("experiments/create", {"name": ""}, 400, error_code=MISSING),
        post("experiments/create", {"name": 123}, 400, error_code=MISSING),
        post("experiments/create", {"name": "x" * 501}, 400, error_code=MISSING),
        get("experiments/get", {}, 400, error_code=MISSING),
        get("experiments/get", {"experiment_id": "abc"}, 400, error_code=MISSING),
        get("experiments/get", {"experiment_id": "987654321"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        get("experiments/get-by-name", {}, 400, error_code=MISSING),
        post("experiments/delete", {"experiment_id": "987654321"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "k" * 251, "value": "v"}, 400,
             error_code=MISSING),
        # 3.18 allows experiment tag values up to 20000 characters.
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "k", "value": "v" * 20000}),
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "k", "value": "v" * 20001}, 400,
             error_code=MISSING),
        post("experiments/set-experiment-tag", {"experiment_id": "${exp_id}", "key": "bad!key", "value": "v"}, 400,
             error_code=MISSING),
        post("experiments/update", {"experiment_id": "${exp_id}"}, 400, error_code=MISSING),
        # Renaming onto a taken name: the reference answers BAD_REQUEST whose message is the raw
        # database error. Only the status is compared; any of these codes is fine for ours.
        {**NEW_EXP, "json": {"name": "${name}-2"}, "save": {"exp2": "experiment_id"}},
        post("experiments/update", {"experiment_id": "${exp2}", "new_name": "${name}"}, 400, compare=False,
             edge_check=lambda r: assert_json_4xx(r, ("BAD_REQUEST", "RESOURCE_ALREADY_EXISTS", "INVALID_PARAMETER_VALUE"))),
    ],
    "run_lifecycle": [
        NEW_EXP, NEW_RUN, GET_RUN,
        post("runs/update", {"run_id": "${run_id}", "status": "FINISHED", "end_time": T0 + 5000}),
        GET_RUN,
        post("runs/update", {"run_id": "${run_id}", "status": "KILLED"}),
        post("runs/update", {"run_id": "${run_id}", "run_name": "renamed-run"}),
        GET_RUN,
        post("runs/delete", {"run_id": "${run_id}"}),
        GET_RUN,
        post("runs/delete", {"run_id": "${run_id}"}),  # idempotent on the reference
        post("runs/set-tag", {"run_id": "${run_id}", "key": "k", "value": "v"}, 400, error_code=MISSING),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "k", "value": "v"}, 400, error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "k", "value": 1, "timestamp": T0}, 400,
             error_code=MISSING),
        post("runs/restore", {"run_id": "${run_id}"}),
        post("runs/restore", {"run_id": "${run_id}"}),  # restoring an active run is a no-op
        GET_RUN,
    ],
    "run_create_variants": [
        NEW_EXP,
        {**NEW_RUN, "json": {"experiment_id": "${exp_id}", "start_time": str(T0), "run_name": "named",
                             "tags": [{"key": "mlflow.runName", "value": "named"}, {"key": "t", "value": ""}]}},
        GET_RUN,
        post("runs/create", {"experiment_id": "${exp_id}", "run_name": "a",
                             "tags": [{"key": "mlflow.runName", "value": "b"}]}, 400, error_code=MISSING),
        post("runs/create", {"experiment_id": "${exp_id}", "start_time": "abc"}, 400, error_code=MISSING),
        # experiment_id is a string field: a JSON number is a type error on the reference.
        post("runs/create", {"experiment_id": 1, "start_time": T0}, 400, error_code=MISSING),
        post("runs/create", {"experiment_id": "abc", "start_time": T0}, 400, error_code=MISSING),
        post("runs/create", {"experiment_id": "987654321", "start_time": T0}, 404,
             error_code="RESOURCE_DOES_NOT_EXIST"),
        post("experiments/delete", {"experiment_id": "${exp_id}"}),
        post("runs/create", {"experiment_id": "${exp_id}", "start_time": T0}, 400, error_code=MISSING),
    ],
    "run_errors": [
        NEW_EXP, NEW_RUN,
        get("runs/get", {}, 400, error_code=MISSING),
        get("runs/get", {"run_id": "0" * 32}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        get("runs/get", {"run_id": "bad id!"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/delete", {"run_id": "0" * 32}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/restore", {"run_id": "0" * 32}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/update", {"run_id": "0" * 32, "status": "FINISHED"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/set-tag", {"run_id": "0" * 32, "key": "k", "value": "v"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/delete-tag", {"run_id": "${run_id}", "key": "nope"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "p", "value": "1"}),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "p", "value": "1"}),  # same value: no-op
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "p", "value": "2"}, 400, error_code=MISSING),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "num", "value": 5}, 400, error_code=MISSING),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "bad!name", "value": "1"}, 400, error_code=MISSING),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "../up", "value": "1"}, 400, error_code=MISSING),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "k" * 251, "value": "1"}, 400, error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "k" * 251, "value": 1, "timestamp": T0}, 400,
             error_code=MISSING),
        post("runs/set-tag", {"run_id": "${run_id}", "key": "k" * 251, "value": "1"}, 400, error_code=MISSING),
        post("runs/set-tag", {"run_id": "${run_id}", "key": "t", "value": 5}, 400, error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "m", "value": "abc", "timestamp": T0}, 400,
             error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "m", "value": 1, "timestamp": "abc"}, 400,
             error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "m", "value": 1}, 400, error_code=MISSING),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "m", "value": 1, "timestamp": -5}, 400,
             error_code=MISSING),
        post("runs/log-metric", {"key": "m", "value": 1, "timestamp": T0}, 400, error_code=MISSING),
        GET_RUN,
    ],
    "params_tags_metrics": [
        NEW_EXP, NEW_RUN,
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "lr", "value": "0.1"}),
        post("runs/log-parameter", {"run_uuid": "${run_id}", "key": "legacy id", "value": "x"}),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "empty", "value": ""}),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "unset"}),
        post("runs/log-parameter", {"run_id": "${run_id}", "key": "long", "value": "v" * 7000}),  # truncated
        post("runs/set-tag", {"run_id": "${run_id}", "key": "a/b.c-d e:f", "value": "ünï"}),
        post("runs/set-tag", {"run_id": "${run_id}", "key": "empty", "value": ""}),
        post("runs/set-tag", {"run_id": "${run_id}", "key": "gone", "value": "x"}),
        post("runs/delete-tag", {"run_id": "${run_id}", "key": "gone"}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "loss", "value": 0.5, "timestamp": T0, "step": 0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "loss", "value": 0.25, "timestamp": T0 + 1, "step": 1}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "loss", "value": 0.9, "timestamp": T0 + 2, "step": 0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "nan", "value": "NaN", "timestamp": str(T0), "step": "3"}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "inf", "value": "Infinity", "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "ninf", "value": "-Infinity", "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "big", "value": 1e300, "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "int", "value": 7, "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "bool", "value": True, "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "dup", "value": 1, "timestamp": T0}),
        post("runs/log-metric", {"run_id": "${run_id}", "key": "dup", "value": 1, "timestamp": T0}),
        GET_RUN,
        history("loss"), history("nan"), history("inf"), history("ninf"), history("bool"),
        history("dup"), history("never-logged"),
    ],
    "lenient_parsing": [
        NEW_EXP, NEW_RUN,
        # The reference checks required fields on the snake_case JSON only, so lowerCamelCase
        # `runId` counts as missing; its parser would accept it. Clients send snake_case.
        post("runs/log-metric", {"runId": "${run_id}", "key": "m", "value": 1, "timestamp": T0}, None,
             ref_expect=400, edge_check=status_in(200, 400)),
        # Fractional int64s: the reference accepts them; the client can never send one.
        post("runs/log-metric", {"run_id": "${run_id}", "key": "fraction", "value": 1, "timestamp": 1.5, "step": 2.5},
             None, ref_expect=200, edge_check=status_in(200, 400)),
        {**history("fraction"), "compare": False},
    ],
    "log_batch": [
        NEW_EXP, NEW_RUN,
        post("runs/log-batch", {
            "run_id": "${run_id}",
            "metrics": [{"key": f"m{i % 7}", "value": i / 3, "timestamp": T0 + i, "step": i} for i in range(700)]
            + [{"key": "nan", "value": "NaN", "timestamp": T0}],
            "params": [{"key": f"p{i}", "value": str(i)} for i in range(100)],
            "tags": [{"key": f"t{i}", "value": "v" * i} for i in range(100)],
        }),
        GET_RUN,
        post("runs/log-batch", {"run_id": "${run_id}"}),
        post("runs/log-batch", {"run_id": "${run_id}", "params": [{"key": "p1", "value": "1"}]}),  # same value
        post("runs/log-batch", {"run_id": "${run_id}", "params": [{"key": "p1", "value": "changed"}]}, 400,
             error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "1"}]},
             400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "metrics": [{"key": "m", "value": i, "timestamp": i}
                                                                   for i in range(1001)]}, 400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "params": [{"key": f"x{i}", "value": "v"} for i in range(101)]},
             400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "tags": [{"key": f"x{i}", "value": "v"} for i in range(101)]},
             400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}",
                                "metrics": [{"key": "m", "value": i, "timestamp": i} for i in range(950)],
                                "params": [{"key": f"y{i}", "value": "v"} for i in range(51)]}, 400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "metrics": [{"key": "m", "value": 1}]}, 400, error_code=MISSING),
        post("runs/log-batch", {"run_id": "${run_id}", "tags": [{"key": "bad!", "value": "v"}]}, 400,
             error_code=MISSING),
        post("runs/log-batch", {"run_id": "0" * 32, "tags": [{"key": "k", "value": "v"}]}, 404,
             error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/log-batch", {"metrics": []}, 400, error_code=MISSING),
        GET_RUN,
    ],
    "log_inputs": [
        NEW_EXP, NEW_RUN,
        post("runs/log-inputs", {"run_id": "${run_id}", "datasets": [{
            "tags": [{"key": "mlflow.data.context", "value": "training"}],
            "dataset": {"name": "iris", "digest": "abc123", "source_type": "local",
                        "source": json.dumps({"uri": "/data/iris.csv"}), "schema": json.dumps({"cols": ["a"]}),
                        "profile": json.dumps({"num_rows": 150})},
        }]}),
        # Same dataset again with another context tag, and a second dataset without optional fields.
        post("runs/log-inputs", {"run_id": "${run_id}", "datasets": [
            {"tags": [{"key": "mlflow.data.context", "value": "eval"}],
             "dataset": {"name": "iris", "digest": "abc123", "source_type": "local",
                         "source": json.dumps({"uri": "/data/iris.csv"})}},
            {"dataset": {"name": "bare", "digest": "d1", "source_type": "code", "source": "{}"}},
        ]}),
        post("runs/log-inputs", {"run_id": "${run_id}"}),
        post("runs/log-inputs", {"run_id": "0" * 32, "datasets": []}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        post("runs/log-inputs", {"datasets": []}, 400, error_code=MISSING),
        GET_RUN,
    ],
    "metric_history_paging": [
        NEW_EXP, NEW_RUN,
        post("runs/log-batch", {"run_id": "${run_id}", "metrics": [
            {"key": "acc", "value": i / 10, "timestamp": T0 + i, "step": i} for i in range(25)]}),
        history("acc"),
        history("acc", max_results=10, save={"tok1": "next_page_token"}),
        history("acc", max_results=10, page_token="${tok1}", save={"tok2": "next_page_token"}),
        history("acc", max_results=10, page_token="${tok2}"),
        history("acc", max_results=25),
        history("acc", max_results=100),
        history("acc", page_token="garbage", expect=400, error_code=MISSING),
        # Legacy run_uuid instead of run_id, as older clients send both.
        get("metrics/get-history", {"run_uuid": "${run_id}", "metric_key": "acc", "max_results": 5}),
        get("metrics/get-history", {"run_id": "${run_id}"}, 400, error_code=MISSING),
        get("metrics/get-history", {"run_id": "0" * 32, "metric_key": "acc"}),
    ],
    "metric_history_bulk_interval": [
        NEW_EXP, NEW_RUN,
        {**NEW_RUN, "save": {"run2": "run.info.run_id", "run2_name": "run.info.run_name"}},
        post("runs/log-batch", {"run_id": "${run_id}", "metrics": [
            {"key": "acc", "value": i, "timestamp": T0 + i, "step": i} for i in range(0, 50)]}),
        post("runs/log-batch", {"run_id": "${run2}", "metrics": [
            {"key": "acc", "value": -i, "timestamp": T0 + i, "step": i} for i in range(0, 50, 5)]
            + [{"key": "acc", "value": "NaN", "timestamp": T0 + 99, "step": 99}]}),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("run_ids", "${run2}"), ("metric_key", "acc")]),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("metric_key", "acc"), ("max_results", "10")]),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("run_ids", "${run2}"), ("metric_key", "acc"),
                                                  ("start_step", "10"), ("end_step", "20"), ("max_results", "5")]),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("metric_key", "acc"), ("start_step", "0")],
            400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("metric_key", "acc"),
                                                  ("start_step", "10"), ("end_step", "5")], 400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("metric_key", "acc"), ("max_results", "0")],
            400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}"), ("metric_key", "acc"),
                                                  ("max_results", "2501")], 400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}")] * 101 + [("metric_key", "acc")], 400,
            error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("metric_key", "acc")], 400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "${run_id}")], 400, error_code=MISSING),
        get("metrics/get-history-bulk-interval", [("run_ids", "0" * 32), ("metric_key", "acc")]),
    ],
    "request_parsing": [
        NEW_EXP, NEW_RUN,
        # POST without Content-Type.
        {"method": "POST", "path": "${P}/mlflow/runs/set-tag", "data": '{"run_id": "${run_id}", "key": "k", "value": "v"}',
         "expect": 400, "error_code": MISSING},
        {"method": "POST", "path": "${P}/mlflow/runs/set-tag", "data": '{"run_id": "${run_id}", "key": "k", "value": "v"}',
         "headers": {"Content-Type": "text/plain"}, "expect": 400, "error_code": MISSING},
        {"method": "POST", "path": "${P}/mlflow/runs/set-tag", "data": '{"run_id": "${run_id}", "key": "ct", "value": "v"}',
         "headers": {"Content-Type": "application/json; charset=utf-8"}, "expect": 200},
        # Bad JSON: the reference treats it as an empty message (so: missing required field). We
        # only require a 400 with the same error code; the wording is not part of the contract.
        {"method": "POST", "path": "${P}/mlflow/experiments/create", "data": '{"name":',
         "headers": {"Content-Type": "application/json"}, "expect": 400, "error_code": MISSING, "message_prefix": ""},
        # A JSON array or string body: the reference crashes with an HTML 500 (the handler assumes
        # an object). A server must answer a client error with a 4xx (the client would retry a
        # 500), so for ours we require a JSON 400 instead of copying the bug.
        {"method": "POST", "path": "${P}/mlflow/experiments/create", "json": [1], "expect": 400, "ref_expect": 500,
         "edge_check": assert_json_4xx},
        {"method": "POST", "path": "${P}/mlflow/experiments/create", "json": "x", "expect": 400, "ref_expect": 500,
         "edge_check": assert_json_4xx},
        # A body that is a JSON string holding JSON (older clients) is decoded twice.
        {"method": "POST", "path": "${P}/mlflow/runs/set-tag",
         "json": '{"run_id": "${run_id}", "key": "double", "value": "encoded"}', "expect": 200, "compare": True},
        # Unknown fields are ignored; int64 fields accept strings.
        post("runs/log-metric", {"run_id": "${run_id}", "key": "m", "value": "1.5", "timestamp": str(T0),
                                 "step": "2", "unknown_field": {"x": 1}}),
        # GET: repeated keys, unknown keys, string-typed ints, and a JSON body when there is no query.
        {"method": "GET", "path": "${P}/mlflow/runs/get?run_id=${run_id}&run_id=ignored&extra=1&extra=2", "expect": 200},
        get("metrics/get-history", {"run_id": "${run_id}", "metric_key": "m", "max_results": "1"}),
        # A non-numeric max_results: the reference ignores it (returns everything); a 400 is fine too.
        get("metrics/get-history", {"run_id": "${run_id}", "metric_key": "m", "max_results": "abc"}, None,
            ref_expect=200, edge_check=status_in(200, 400)),
        {"method": "GET", "path": "${P}/mlflow/runs/get", "json": {"run_id": "${run_id}"}, "expect": 200},
        # Wrong method.
        {"method": "POST", "path": "${P}/mlflow/runs/get", "json": {"run_id": "${run_id}"}, "expect": 405},
        {"method": "PUT", "path": "${P}/mlflow/runs/set-tag", "json": {"run_id": "${run_id}", "key": "k", "value": "v"},
         "expect": 405},
        # Enum values: names, numbers, and an unknown name (ignored by the reference's parser).
        post("runs/update", {"run_id": "${run_id}", "status": 3, "end_time": T0 + 1}),
        # The reference's proto parser drops the unknown name and answers 200; we reject it (4xx).
        post("runs/update", {"run_id": "${run_id}", "status": "BOGUS"}, 400, ref_expect=200,
             edge_check=lambda r: assert_json_4xx(r, ("INVALID_PARAMETER_VALUE",))),
        GET_RUN,
    ],
    # One field spelled two ways is refused; camelCase is an alias for optional fields only, since
    # the handler schemas read required fields by their snake_case name; a query string carries
    # snake_case names only (issue 11: the permission check must read what the handler reads).
    "alias_spellings": [
        NEW_EXP, NEW_RUN,
        post("runs/set-tag", {"run_id": "${run_id}", "runId": "${run_id}", "key": "k", "value": "v"}, 400, error_code=MISSING),
        post("runs/set-tag", {"runId": "${run_id}", "key": "k", "value": "v"}, 400, error_code=MISSING),
        post("runs/set-tag", {"run_uuid": "${run_id}", "key": "k", "value": "v"}),
        post("runs/log-batch", {"run_id": "${run_id}", "metrics": [{"key": "m", "value": 1, "timestamp": T0, "step": 0, "model_id": "a", "modelId": "b"}]},
             400, error_code=MISSING),
        post("runs/create", {"experimentId": "${exp_id}", "start_time": T0, "runName": "camel"}, save={"camel_run": "run.info.run_id"}),
        get("runs/get", {"run_id": "${camel_run}", "runId": "nope"}),
        post("runs/create", {"experiment_id": "${exp_id}", "experimentId": "${exp_id}"}, 400, error_code=MISSING),
        post("experiments/set-experiment-tag", {"experiment_id": "0${exp_id}", "key": "k", "value": "v"}),
        get("experiments/get", {"experiment_id": " ${exp_id}"}),
    ],
    "unknown_routes": [
        # The reference answers Flask's HTML 404 here; the client turns any non-JSON 404 into
        # ENDPOINT_NOT_FOUND. Ours must answer an empty body.
        {"method": "GET", "path": "${P}/mlflow/does-not-exist", "expect": 404, "edge_check": assert_empty_404},
        {"method": "POST", "path": "${P}/mlflow/does-not-exist", "json": {}, "expect": 404,
         "edge_check": assert_empty_404},
        {"method": "GET", "path": "${P}/mlflow/runs/get/extra", "expect": 404, "edge_check": assert_empty_404},
    ],
}

SERVER_LEVEL_CASES: dict[str, list[dict]] = {
    "health_version": [
        {"method": "GET", "path": "/health", "expect": 200, "text": True},
        # /version must be the MLflow version (the tracing client requires >= 3.4).
        {"method": "GET", "path": "/version", "expect": 200, "text": True},
    ],
    "server_info": [
        {"method": "GET", "path": "/api/3.0/mlflow/server-info", "expect": 200, "shape_only": True},
        {"method": "GET", "path": "/ajax-api/3.0/mlflow/server-info", "expect": 200, "shape_only": True},
    ],
}

PARAMS = [pytest.param(name, prefix, id=f"{name}{prefix.replace('/', '_')}") for name in CASES for prefix in PREFIXES]
PARAMS += [pytest.param(name, "", id=name) for name in SERVER_LEVEL_CASES]


# Reference answers per (case, prefix), so the edge variant reuses the reference variant's run.
@pytest.mark.parametrize("case,prefix", PARAMS)
def test_differential(server, reference, case, prefix):
    run_differential(server, reference, ("test_differential", case, prefix), CASES.get(case) or SERVER_LEVEL_CASES[case], prefix)


def test_version_is_mlflow_3(server):
    import requests

    r = requests.get(server.url + "/version", timeout=10)
    major = int(r.text.strip().split(".")[0])
    assert r.status_code == 200 and major >= 3, r.text
