"""Differential REST cases for scorers, GenAI datasets and webhooks (the format of
test_differential.py and differential.py): the same raw requests go to the reference server and to
ours and the normalised answers must be identical. Values that are generated per server (ids
saved into the case context, times, digests, and the records JSON's ids and times) are replaced by
placeholders first.

Where the reference answers a client error with a 500 (or fails on PostgreSQL), the step states the
reference's status in ``ref_expect`` and our behaviour in ``edge_check``.
"""

from __future__ import annotations

import json
import re

import pytest

from differential import check_expectations, compare_results, parse_json, run_case

PREFIXES = ["/api", "/ajax-api"]
# Generated per server: compared by type.
GENERATED = {"creation_time", "created_time", "last_update_time", "creation_timestamp", "last_updated_timestamp", "digest"}


def p3(path: str) -> str:
    return "${P}/3.0/mlflow/" + path


def p2(path: str) -> str:
    return "${P}/2.0/mlflow/" + path


NEW_EXP = {"method": "POST", "path": p2("experiments/create"), "json": {"name": "${name}"}, "expect": 200, "save": {"exp": "experiment_id"}}
SCORER = json.dumps({"name": "s", "builtin_scorer_class": "Guidelines", "builtin_scorer_pydantic_data": {"name": "s", "guidelines": ["Be nice", "é"], "model": "openai:/gpt-4", "threshold": 1.0}})


def assert_4xx(code="INVALID_PARAMETER_VALUE"):
    def check(resp):
        assert 400 <= resp.status_code < 500, f"{resp.status_code}: {resp.text[:300]}"
        body = parse_json(resp)
        assert isinstance(body, dict) and body.get("error_code") == code, resp.text[:300]

    return check


def records_view(text: str) -> list:
    """The records JSON string without its generated ids and times, in a stable order."""
    out = []
    for r in json.loads(text):
        r = {k: v for k, v in r.items() if k not in ("dataset_record_id", "dataset_id", "created_time", "last_update_time")}
        out.append(r)
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


CASES: dict[str, list[dict]] = {
    "scorers": [
        NEW_EXP,
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "s", "serialized_scorer": SCORER}, "expect": 200, "save": {"scorer_id": "scorer_id"}},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "s", "serialized_scorer": '{"a":1.50,"b":"\\u00e9"}'}, "expect": 200},
        {"method": "GET", "path": p3("scorers/list"), "params": {"experiment_id": "${exp}"}, "expect": 200},
        {"method": "GET", "path": p3("scorers/list"), "params": {"experiment_ids": ["${exp}"]}, "expect": 200},
        {"method": "GET", "path": p3("scorers/versions"), "params": {"experiment_id": "${exp}", "name": "s"}, "expect": 200},
        {"method": "GET", "path": p3("scorers/get"), "params": {"experiment_id": "${exp}", "name": "s", "version": "1"}, "expect": 200},
        {"method": "GET", "path": p3("scorers/get"), "params": {"experiment_id": "${exp}", "name": "s", "version": "9"}, "expect": 404},
        {"method": "GET", "path": p3("scorers/get"), "params": {"experiment_id": "${exp}", "name": "nope"}, "expect": 404},
        {"method": "GET", "path": p3("scorers/get"), "params": {"experiment_id": "abc", "name": "nope"}, "expect": 400},
        {"method": "GET", "path": p3("scorers/get"), "params": {"experiment_id": "987654321", "name": "nope"}, "expect": 404},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "  ", "serialized_scorer": "{}"}, "expect": 400},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "x", "serialized_scorer": "{not json"}, "expect": 400},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "x"}, "expect": 400},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "x", "serialized_scorer": '{"call_source": "return 1"}'}, "expect": 400},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "g", "serialized_scorer": '{"builtin_scorer_pydantic_data": {"model": "gateway:/nope"}}'}, "expect": 404},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "g", "serialized_scorer": '{"builtin_scorer_pydantic_data": {"model": 5}}'}, "expect": 400},
        {"method": "POST", "path": p3("scorers/register"), "json": {"experiment_id": "${exp}", "name": "x", "serialized_scorer": "[1]"}, "ref_expect": 500, "edge_check": assert_4xx()},
        {"method": "PUT", "path": p3("scorers/online-config"), "json": {"experiment_id": "${exp}", "name": "s", "sample_rate": 0}, "expect": 200, "save": {"config_id": "config.online_scoring_config_id"}},
        {"method": "PUT", "path": p3("scorers/online-config"), "json": {"experiment_id": "${exp}", "name": "s", "sample_rate": 0.5}, "expect": 400},
        {"method": "PUT", "path": p3("scorers/online-config"), "json": {"experiment_id": "${exp}", "name": "s", "sample_rate": 2}, "expect": 400},
        {"method": "PUT", "path": p3("scorers/online-config"), "json": {"experiment_id": "${exp}", "name": "s", "sample_rate": 0, "filter_string": "bad filter"}, "expect": 400},
        {"method": "PUT", "path": p3("scorers/online-config"), "json": {"experiment_id": "${exp}", "name": "s", "sample_rate": "x"}, "ref_expect": 500, "edge_check": assert_4xx()},
        {"method": "GET", "path": p3("scorers/online-configs"), "params": {"scorer_ids": ["${scorer_id}", "unknown"]}, "expect": 200},
        {"method": "DELETE", "path": p3("scorers/delete"), "json": {"experiment_id": "${exp}", "name": "s", "version": 1}, "expect": 200},
        {"method": "DELETE", "path": p3("scorers/delete"), "json": {"experiment_id": "${exp}", "name": "s", "version": 1}, "expect": 404},
        {"method": "DELETE", "path": p3("scorers/delete"), "json": {"experiment_id": "${exp}", "name": "s"}, "expect": 200},
        {"method": "DELETE", "path": p3("scorers/delete"), "json": {"experiment_id": "${exp}", "name": "s"}, "expect": 404},
        {"method": "GET", "path": p3("scorers/list"), "params": {"experiment_id": "${exp}"}, "expect": 200},
    ],
    "datasets": [
        NEW_EXP,
        {"method": "POST", "path": p3("datasets/create"), "json": {"name": "${name}-ds", "experiment_ids": ["${exp}"], "tags": '{"mlflow.user": "bob", "k": "v", "n": 1}'}, "expect": 200, "save": {"ds": "dataset.dataset_id"}},
        {"method": "GET", "path": p3("datasets/${ds}"), "expect": 200},
        {"method": "GET", "path": p3("datasets/${ds}/experiment-ids"), "expect": 200},
        {
            "name": "upsert records",
            "method": "POST", "path": p3("datasets/${ds}/records"),
            "json": {"records": '[{"inputs": {"q": "a", "n": 1}, "expectations": {"e": 1}, "tags": {"mlflow.user": "al"}, "source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}},'
                                ' {"inputs": {"q": "b"}, "outputs": "plain"}, {"inputs": {"n": 1, "q": "a"}, "expectations": {"f": 2.0}, "tags": {"t": "x"}}]'},
            "expect": 200,
        },
        {"method": "GET", "path": p3("datasets/${ds}"), "expect": 200},
        {"method": "GET", "path": p3("datasets/${ds}/records"), "expect": 200, "records": True},
        # Records created together tie on created_time; the page holds the one with the smaller
        # (random) id, so only the page's size is comparable.
        {"method": "GET", "path": p3("datasets/${ds}/records"), "params": {"max_results": "1"}, "expect": 200, "records": "count"},
        {"method": "PATCH", "path": p3("datasets/${ds}/tags"), "json": {"tags": '{"k": "v2", "b": true, "l": [1, "x"], "d": {"a": null}, "none": null}'}, "expect": 200},
        {"method": "DELETE", "path": p3("datasets/${ds}/tags/k"), "expect": 200},
        {"method": "DELETE", "path": p3("datasets/${ds}/tags/nokey"), "expect": 200},
        {"method": "GET", "path": p3("datasets/${ds}"), "expect": 200},
        {"method": "POST", "path": p3("datasets/search"), "json": {"experiment_ids": ["${exp}"]}, "expect": 200},
        {"method": "GET", "path": p3("datasets/search"), "params": {"experiment_ids": "${exp}", "filter_string": "tags.b = 'True'", "max_results": "1"}, "expect": 200},
        {"method": "POST", "path": p3("datasets/search"), "json": {"experiment_ids": ["${exp}"], "filter_string": "name IN ('${name}-ds', 'x')", "order_by": ["name DESC"]}, "expect": 200},
        {"method": "POST", "path": p3("datasets/search"), "json": {"filter_string": "created_time > 1.5"}, "expect": 400},
        {"method": "POST", "path": p3("datasets/search"), "json": {"filter_string": "tags.x > 'a'"}, "expect": 400},
        {"method": "POST", "path": p3("datasets/search"), "json": {"max_results": 0}, "expect": 400},
        {"method": "POST", "path": p3("datasets/search"), "json": {"max_results": 50001}, "expect": 400},
        {"method": "POST", "path": p3("datasets/${ds}/remove-experiments"), "json": {"experiment_ids": ["5555"]}, "expect": 200},
        {"method": "POST", "path": p3("datasets/${ds}/records"), "json": {"records": '[{"inputs": {"a": 1}, "source": {"source_type": "bogus"}}]'}, "expect": 400},
        {"method": "POST", "path": p3("datasets/${ds}/records"), "json": {"records": "{}"}, "expect": 200},
        {"method": "POST", "path": p3("datasets/${ds}/records"), "json": {"records": "not json"}, "ref_expect": 500, "edge_check": assert_4xx()},
        {"method": "POST", "path": p3("datasets/${ds}/records"), "json": {"records": "[1]"}, "ref_expect": 500, "edge_check": assert_4xx()},
        {"method": "GET", "path": p3("datasets/d-00000000000000000000000000000000"), "expect": 404},
        {"method": "GET", "path": p3("datasets/d-00000000000000000000000000000000/records"), "expect": 200},
        {"method": "GET", "path": p3("datasets/d-00000000000000000000000000000000/experiment-ids"), "expect": 200},
        {"method": "PATCH", "path": p3("datasets/d-00000000000000000000000000000000/tags"), "json": {"tags": "{}"}, "expect": 404},
        {"method": "POST", "path": p3("datasets/d-00000000000000000000000000000000/add-experiments"), "json": {"experiment_ids": ["${exp}"]}, "expect": 404},
        {"method": "DELETE", "path": p3("datasets/${ds}"), "expect": 200},
        {"method": "DELETE", "path": p3("datasets/${ds}"), "expect": 200},
        {"method": "GET", "path": p3("datasets/${ds}"), "expect": 404},
    ],
    "dataset_experiment_links": [
        NEW_EXP,
        {"method": "POST", "path": p3("datasets/create"), "json": {"name": "${name}-links"}, "expect": 200, "save": {"ds": "dataset.dataset_id"}},
        # MLflow 3.18 fails this on PostgreSQL (it binds experiment ids as VARCHAR against INTEGER).
        {"method": "POST", "path": p3("datasets/${ds}/add-experiments"), "json": {"experiment_ids": ["${exp}"]}, "ref_expect": 400,
         "edge_check": lambda r: (r.status_code == 200) or pytest.fail(r.text)},
    ],
    "webhooks": [
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "hook1", "url": "http://127.0.0.1:9/ok", "events": [{"entity": "MODEL_VERSION", "action": "CREATED"}, {"entity": "REGISTERED_MODEL", "action": "CREATED"}], "secret": "s3cret", "description": "d"}, "expect": 200, "save": {"wh": "webhook.webhook_id"}},
        {"method": "GET", "path": p2("webhooks/${wh}"), "expect": 200},
        {"method": "PATCH", "path": p2("webhooks/${wh}"), "json": {"status": "DISABLED", "description": ""}, "expect": 200},
        {"method": "PATCH", "path": p2("webhooks/${wh}"), "json": {"events": [{"entity": "PROMPT_ALIAS", "action": "DELETED"}], "name": "renamed"}, "expect": 200},
        {"method": "GET", "path": p2("webhooks"), "params": {"max_results": "1001"}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "bad name!", "url": "http://x", "events": [{"entity": "MODEL_VERSION", "action": "CREATED"}]}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "ftp://x", "events": [{"entity": "MODEL_VERSION", "action": "CREATED"}]}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "http://127.0.0.1:1", "events": []}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "http://127.0.0.1:1"}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "http://127.0.0.1:1", "events": [{"entity": "MODEL_VERSION", "action": "DELETED"}]}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "http://", "events": [{"entity": "MODEL_VERSION", "action": "CREATED"}]}, "expect": 400},
        {"method": "POST", "path": p2("webhooks"), "json": {"name": "n", "url": "http://127.0.0.1:1", "events": [{"entity": "MODEL_VERSION"}]}, "ref_expect": 500, "edge_check": assert_4xx()},
        {"method": "GET", "path": p2("webhooks/nope"), "expect": 404},
        {"method": "PATCH", "path": p2("webhooks/nope"), "json": {"name": "x"}, "expect": 404},
        {"method": "POST", "path": p2("webhooks/nope/test"), "json": {}, "expect": 404},
        {"method": "DELETE", "path": p2("webhooks/${wh}"), "expect": 200},
        {"method": "DELETE", "path": p2("webhooks/${wh}"), "expect": 404},
        {"method": "GET", "path": p2("webhooks/${wh}"), "expect": 404},
    ],
}


def normalise(value, key=None):
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if key in GENERATED and value is not None:
        return f"<{type(value).__name__}>"
    return value


def experiment_ids_out(value, exp: str | None, key=None):
    """Experiment ids the generic normaliser leaves: int32 fields and message endings."""
    if exp is None:
        return value
    if isinstance(value, dict):
        return {k: experiment_ids_out(v, exp, k) for k, v in value.items()}
    if isinstance(value, list):
        return [experiment_ids_out(v, exp, key) for v in value]
    if key in ("experiment_id", "experiment_ids") and value in (int(exp), exp):
        return "<exp>"
    if isinstance(value, str):
        return re.sub(rf"(experiment |id=){re.escape(exp)}\b", r"\1<exp>", value)
    return value


def view(results) -> list:
    out = []
    first = parse_json(results[0][1]) if results else None
    exp = first.get("experiment_id") if isinstance(first, dict) else None
    for step, resp, norm in results:
        norm = dict(norm)
        if "json" in norm:
            body = experiment_ids_out(norm["json"], exp)
            if step.get("records") and isinstance(body, dict) and "records" in body:
                records = records_view(parse_json(resp)["records"])
                body = {**body, "records": len(records) if step["records"] == "count" else records}
            if isinstance(body, dict) and isinstance(body.get("next_page_token"), str):
                body = {**body, "next_page_token": "<token>"}
            norm["json"] = normalise(body)
        out.append((step, resp, norm))
    return out


PARAMS = [pytest.param(name, prefix, id=f"{name}{prefix.replace('/', '_')}") for name in CASES for prefix in PREFIXES]
_REFERENCE: dict = {}


@pytest.mark.parametrize("case,prefix", PARAMS)
def test_genai_differential(server, reference, case, prefix):
    steps = CASES[case]
    if (case, prefix) not in _REFERENCE or server.name == "reference":
        results = run_case(reference.url, steps, prefix)
        check_expectations(reference.name, results, reference=True)
        _REFERENCE[(case, prefix)] = view(results)
    if server.name == "reference":
        return
    results = run_case(server.url, steps, prefix)
    check_expectations(server.name, results, reference=False)
    compare_results(_REFERENCE[(case, prefix)], view(results))


def test_secrets_are_never_answered(server):
    import requests

    body = {"name": "secretive", "url": "http://127.0.0.1:9/x", "events": [{"entity": "PROMPT", "action": "CREATED"}], "secret": "do-not-echo"}
    created = requests.post(server.url + "/api/2.0/mlflow/webhooks", json=body, timeout=30)
    assert created.status_code == 200, created.text
    hook = created.json()["webhook"]["webhook_id"]
    answers = [created.text, requests.get(f"{server.url}/api/2.0/mlflow/webhooks/{hook}", timeout=30).text,
               requests.get(f"{server.url}/api/2.0/mlflow/webhooks", params={"max_results": 1000}, timeout=30).text]
    assert not any(re.search("do-not-echo|secret\"", a) for a in answers)
    requests.delete(f"{server.url}/api/2.0/mlflow/webhooks/{hook}", timeout=30)
