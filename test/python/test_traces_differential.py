"""Differential REST tests of the trace API: the same raw requests (v3, v2, OTLP JSON) go to the
reference server and to ours, and the normalised answers must be equal (see differential.py)."""

from __future__ import annotations

import json

import pytest

from differential import run_differential

PREFIXES = ["/api", "/ajax-api"]


def step(method, version, path, body=None, expect=200, **extra):
    s = {"method": method, "path": "${P}/" + f"{version}.0/mlflow/" + path, "expect": expect, **extra}
    if body is not None:
        s["params" if method == "GET" else "json"] = body
    return s


def v3(method, path, body=None, expect=200, **extra):
    return step(method, 3, path, body, expect, **extra)


def v2(method, path, body=None, expect=200, **extra):
    return step(method, 2, path, body, expect, **extra)


NEW_EXP = v2("POST", "experiments/create", {"name": "${name}"}, save={"exp_id": "experiment_id"})
LOCATION = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "${exp_id}"}}


def start(trace_hex: str, expect=200, save=True, **info):
    body = {"trace": {"trace_info": {
        "trace_id": f"tr-{trace_hex}", "trace_location": LOCATION, "request_preview": "req", "response_preview": "resp",
        "request_time": "2023-11-14T22:13:20.125Z", "execution_duration": "2.5s", "state": "OK", "client_request_id": "c-1",
        "trace_metadata": {"m": "1", "mlflow.trace.session": "s1", "mlflow.trace.cost": '{"input_cost": 0.5, "total_cost": 1.5}',
                           "mlflow.trace.tokenUsage": '{"input_tokens": 2, "output_tokens": 3, "total_tokens": 5}'},
        "tags": {"mlflow.traceName": "named", "t": "v", "mlflow.trace.spansLocation": "ARTIFACT_REPO"}, **info}}}
    return v3("POST", "traces", body, expect, **({"save": {"trace": "trace.trace_info.trace_id"}} if save else {}))


def otlp(trace_hex: str, expect=200, **extra):
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "diff"}}]}, "scopeSpans": [{"spans": [
        {"traceId": trace_hex, "spanId": "00000000000000a1", "name": "root", "startTimeUnixNano": "1700000000000000000",
         "endTimeUnixNano": "1700000003000000000", "status": {"code": 2, "message": "failed"},
         "attributes": [{"key": "mlflow.spanInputs", "value": {"stringValue": "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"}}]}]}]}]}
    return {"method": "POST", "path": "/v1/traces", "data": json.dumps(body), "expect": expect,
            "headers": {"content-type": "application/json", "x-mlflow-experiment-id": "${exp_id}"}, **extra}


def search(body=None, expect=200, **extra):
    return v3("POST", "traces/search", {"locations": [LOCATION], **(body or {})}, expect, **extra)


A, B, C = "${hex}", "${hex2}", "${hex}"

CASES: dict[str, list[dict]] = {
    "start_read_tag_delete": [
        NEW_EXP,
        start(A),
        v3("GET", "traces/${trace}"),
        v3("GET", "traces/get", {"trace_id": "${trace}"}, 500, error_code="INTERNAL_ERROR"),  # spans not in the store
        otlp(A),
        v3("GET", "traces/get", {"trace_id": "${trace}"}),
        v3("GET", "traces/get", {"trace_id": "${trace}", "allow_partial": "nope"}, 400),
        v3("GET", "traces/batchGet", {"trace_ids": ["${trace}", "tr-missing"]}),
        v3("POST", "traces/batchGetInfos", {"trace_ids": ["tr-missing", "${trace}"]}),
        v2("PATCH", "traces/${trace}/tags", {"key": "k", "value": "v"}),
        v3("PATCH", "traces/${trace}/tags", {"key": "mlflow.traceName", "value": "renamed"}),
        v2("PATCH", "traces/${trace}/tags", {"key": "mlflow.trace.spansLocation", "value": "x"}, 400),
        v2("PATCH", "traces/${trace}/tags", {"key": "bad/../key", "value": "x"}, 400),
        v2("PATCH", "traces/${trace}/tags", {"value": "x"}, 400),
        v2("DELETE", "traces/${trace}/tags", {"key": "k"}),
        v2("DELETE", "traces/${trace}/tags", {"key": "k"}, 404),
        v2("DELETE", "traces/${trace}/tags", {"key": "mlflow.artifactLocation"}, 400),
        v3("GET", "traces/${trace}"),
        v2("GET", "traces/${trace}/info"),
        v3("GET", "traces/tr-missing", expect=404),
        v3("GET", "traces/get", {"trace_id": "tr-missing"}, 404),
        v2("POST", "traces/delete-traces", {"experiment_id": "${exp_id}"}, 400),
        v2("POST", "traces/delete-traces", {"experiment_id": "${exp_id}", "max_timestamp_millis": 1, "request_ids": ["${trace}"]}, 400),
        v2("POST", "traces/delete-traces", {"experiment_id": "${exp_id}", "max_traces": 1, "request_ids": ["${trace}"]}, 400),
        v2("POST", "traces/delete-traces", {"experiment_id": "${exp_id}", "max_timestamp_millis": 1, "max_traces": 0}, 400),
        v2("POST", "traces/delete-traces", {"max_timestamp_millis": 1}, 400),
        v2("POST", "traces/delete-traces", {"experiment_id": "${exp_id}", "request_ids": ["${trace}", "tr-missing"]}),
        v3("GET", "traces/${trace}", expect=404),
    ],
    "otlp_first_then_start": [
        NEW_EXP,
        otlp(B),
        search(),
        # The reference's answer here omits tags start_trace merged into an existing trace (it
        # re-reads a cached row); they are stored, as the next read shows. We answer them.
        {**start(B, state="IN_PROGRESS"), "compare": False},
        v3("GET", "traces/${trace}"),
        search({"filter": "trace.status = 'IN_PROGRESS'"}),
        search({"filter": "metadata.mlflow.trace.session = 's1' AND tags.t = 'v'"}),
        search({"filter": "metadata.`mlflow.trace.tokenUsage` = '{\"input_tokens\": 2, \"output_tokens\": 3, \"total_tokens\": 5}'"}),
        search({"filter": "metadata.`mlflow.trace.cost` != '{\"input_cost\": 0.5}'"}),
        search({"filter": "span.name = 'root' AND span.status = 'ERROR'"}),
        search({"filter": "trace.text LIKE '%hi%'"}),
        search({"filter": "span.attributes.mlflow.spanInputs LIKE '%hi%'"}),
        search({"filter": "span.attributes.mlflow.spanInputs RLIKE 'role'"}),
        search({"filter": "name = 'named' AND client_request_id = 'c-1' AND execution_time_ms > 10"}),
        search({"filter": "feedback.score > 0.5"}),
        search({"filter": "tags.missing IS NULL", "order_by": ["name DESC", "tags.t"]}),
        search({"max_results": 0}, 400),
        search({"max_results": 501}, 400),
        search({"page_token": "not-a-token"}, 400),
        search({"order_by": ["span.name"]}, 400),
        search({"order_by": ["metadata.mlflow.trace.cost"]}, 400),
        search({"filter": "status = OK"}, 400),
        search({"filter": "trace.status = 'OK' OR trace.status = 'ERROR'"}, 400),
        v3("POST", "traces/search", {"locations": [{"mlflow_experiment": {"experiment_id": "1.5"}}]}, 400),
        v3("POST", "traces/search", {}, 400),
        v2("GET", "traces", {"experiment_ids": ["${exp_id}"], "filter": "trace.status = 'IN_PROGRESS'"}),
    ],
    "v2_and_links": [
        NEW_EXP,
        v2("POST", "traces", {"experiment_id": "${exp_id}", "timestamp_ms": 1_700_000_000_000,
                              "request_metadata": [{"key": "m", "value": "1"}], "tags": [{"key": "mlflow.traceName", "value": "v2"}]},
           save={"v2trace": "trace_info.request_id"}),
        v2("PATCH", "traces/${v2trace}", {"timestamp_ms": 1_700_000_000_500, "status": "OK", "tags": [{"key": "t", "value": "x"}]}),
        v2("GET", "traces/${v2trace}/info"),
        v2("POST", "traces", {"experiment_id": "987654321", "timestamp_ms": 1}, 404),
        v2("PATCH", "traces/nope", {"timestamp_ms": 1, "status": "OK"}, 404),
        v2("POST", "runs/create", {"experiment_id": "${exp_id}", "start_time": 1}, save={"run_id": "run.info.run_id", "run_name": "run.info.run_name"}),
        v2("POST", "traces/link-to-run", {"trace_ids": ["${v2trace}"], "run_id": "${run_id}"}),
        v2("POST", "traces/link-to-run", {"trace_ids": [f"t{i}" for i in range(101)], "run_id": "${run_id}"}, 400),
        v2("POST", "traces/link-to-run", {"trace_ids": ["${v2trace}"]}, 400),
        v2("POST", "traces/link-prompts", {"trace_id": "${v2trace}", "prompt_versions": [{"name": "p", "version": "2"}]}),
        v2("POST", "traces/link-prompts", {"trace_id": "tr-missing", "prompt_versions": [{"name": "p", "version": "2"}]}, 404),
        search({"filter": "run_id = '${run_id}'"}),
        search({"filter": "prompt = 'p/2'"}),
        search({"filter": "prompt = 'p'"}, 400),
        v3("POST", "traces/delete-traces", {"experiment_id": "${exp_id}", "max_timestamp_millis": 1_800_000_000_000, "max_traces": 5}),
        start(C, 404, False, trace_location={"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "987654321"}}),
        v3("POST", "traces", {}, 400),
        {"method": "GET", "path": "/ajax-api/2.0/mlflow/get-trace-artifact", "expect": 400},
    ],
}

PARAMS = [pytest.param(name, prefix, id=f"{name}{prefix.replace('/', '_')}") for name in CASES for prefix in PREFIXES]
@pytest.mark.parametrize("case,prefix", PARAMS)
def test_trace_differential(server, reference, case, prefix):
    run_differential(server, reference, ("test_traces_differential", case, prefix), CASES[case], prefix)
