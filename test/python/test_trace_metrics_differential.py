"""Differential REST tests of trace analytics (`traces/metrics`, `traces/calculate-filter-correlation`):
the same traces, spans and assessments are seeded on the reference server and on ours with fixed
times, then both RPCs are asked a matrix of metrics, aggregations, dimensions, filters and time
buckets, and the normalised answers must be equal (see differential.py). Where MLflow 3.18 answers
a malformed request with a 500, the step states the reference's status (`ref_expect`) and ours."""

from __future__ import annotations

import json
import time

import pytest

from differential import run_differential

PREFIXES = ["/api", "/ajax-api"]


def v3(method, path, body=None, expect=200, **extra):
    return {"method": method, "path": "${P}/3.0/mlflow/" + path, "expect": expect, **({"json": body} if body is not None else {}), **extra}


NEW_EXP = {"method": "POST", "path": "${P}/2.0/mlflow/experiments/create", "json": {"name": "${name}"}, "expect": 200, "save": {"exp_id": "experiment_id"}}
OTHER_EXP = {"method": "POST", "path": "${P}/2.0/mlflow/experiments/create", "json": {"name": "${name}-empty"}, "expect": 200, "save": {"empty_exp": "experiment_id"}}
LOCATION = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "${exp_id}"}}


def start(hexvar, request_time, duration, state, name=None, session=None, tokens=None, tags=None, metadata=None):
    meta = dict(metadata or {})
    if session:
        meta["mlflow.trace.session"] = session
    if tokens:
        meta["mlflow.trace.tokenUsage"] = json.dumps(tokens)
    all_tags = dict(tags or {})
    if name:
        all_tags["mlflow.traceName"] = name
    info = {"trace_id": "tr-${" + hexvar + "}", "trace_location": LOCATION, "request_time": request_time, "execution_duration": duration,
            "state": state, "trace_metadata": meta, "tags": all_tags}
    return v3("POST", "traces", {"trace": {"trace_info": info}}, save={hexvar + "_id": "trace.trace_info.trace_id"})


def attr(key, value):
    return {"key": key, "value": {"stringValue": value}}


def span(span_id, name, start_s, end_s, code, parent=None, span_type=None, model=None, provider=None, cost=None):
    attrs = []
    if span_type:
        attrs.append(attr("mlflow.spanType", json.dumps(span_type)))
    if model:
        attrs.append(attr("mlflow.llm.model", json.dumps(model)))
    if provider:
        attrs.append(attr("mlflow.llm.provider", json.dumps(provider)))
    if cost:
        attrs.append(attr("mlflow.llm.cost", json.dumps(cost)))
    s = {"spanId": span_id, "name": name, "startTimeUnixNano": str(start_s), "endTimeUnixNano": str(end_s),
         "status": {"code": code}, "attributes": attrs}
    if parent:
        s["parentSpanId"] = parent
    return s


def otlp(hexvar, spans):
    for s in spans:
        s["traceId"] = "${" + hexvar + "}"
    body = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}
    return {"method": "POST", "path": "/v1/traces", "data": json.dumps(body), "expect": 200,
            "headers": {"content-type": "application/json", "x-mlflow-experiment-id": "${exp_id}"}}


def feedback(hexvar, name, value, **extra):
    body = {"assessment": {"assessment_name": name, "source": {"source_type": "HUMAN", "source_id": "ann"}, "feedback": {"value": value},
                           "create_time": "2024-02-03T04:05:06.789Z", "last_update_time": "2024-02-03T04:05:06.789Z", **extra}}
    return v3("POST", "traces/${" + hexvar + "_id}/assessments", body)


def expectation(hexvar, name, value):
    body = {"assessment": {"assessment_name": name, "source": {"source_type": "HUMAN", "source_id": "ann"}, "expectation": {"value": value},
                           "create_time": "2024-02-03T04:05:06.789Z", "last_update_time": "2024-02-03T04:05:06.789Z"}}
    return v3("POST", "traces/${" + hexvar + "_id}/assessments", body)


NS = 1_000_000_000
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
COST = {"input_cost": 0.001, "output_cost": 0.002, "total_cost": 0.003}
COST2 = {"input_cost": 0.01, "output_cost": 0.5, "total_cost": 0.51}

SEED = [
    NEW_EXP,
    OTHER_EXP,
    start("hex", "2023-11-14T22:13:20.125Z", "2.5s", "OK", "alpha", "s1", {"input_tokens": 2, "output_tokens": 3, "total_tokens": 5},
          tags={"team": "a"}, metadata={"mlflow.sourceRun": "run-1", "env": "prod"}),
    start("hex2", "2023-11-14T22:13:50Z", "1s", "ERROR", "alpha", "s1",
          {"input_tokens": 10, "output_tokens": 1, "total_tokens": 11, "cache_read_input_tokens": 4}, tags={"team": "b"}),
    start("hex3", "2023-11-14T22:15:05Z", "0.250s", "OK", "beta", "s2", metadata={"env": "dev"}),
    start("hex4", "2023-11-14T22:16:00Z", "4s", "OK", tokens={"input_tokens": 7, "output_tokens": 7, "total_tokens": 14}),
    start("hex5", "2023-11-15T01:00:00Z", "3.3s", "ERROR", "beta", "s3", {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
          tags={"team": "a"}),
    otlp("hex", [
        span("00000000000000a1", "root", T0 * NS, T0 * NS + 2_500_000_000, 1, span_type="CHAIN"),
        span("00000000000000a2", "llm", T0 * NS + 100_000_000, T0 * NS + 1_900_000_000, 1, "00000000000000a1", "LLM", "gpt-4o", "openai", COST),
        span("00000000000000a3", "tool", T0 * NS + 2_000_000_000, T0 * NS + 2_400_000_000, 2, "00000000000000a1", "TOOL"),
    ]),
    otlp("hex2", [
        span("00000000000000b1", "root", (T0 + 30) * NS, (T0 + 31) * NS, 2, span_type="CHAIN"),
        span("00000000000000b2", "llm", (T0 + 30) * NS, (T0 + 30) * NS + 700_000_000, 1, "00000000000000b1", "LLM", "claude", "anthropic", COST2),
    ]),
    otlp("hex3", [
        span("00000000000000c1", "llm", (T0 + 105) * NS, (T0 + 105) * NS + 250_000_000, 1, span_type="LLM", model="gpt-4o", provider="openai", cost=COST2),
    ]),
    feedback("hex", "quality", 4),
    feedback("hex2", "quality", 2),
    feedback("hex3", "quality", 5),
    feedback("hex", "correct", True),
    feedback("hex2", "correct", False),
    feedback("hex3", "tone", "friendly"),
    expectation("hex", "expected", "42"),
]


STEP_KEYS = {"error_code", "message_prefix", "compare", "ref_expect", "edge_check"}


def metrics(view, metric, aggs, expect=200, **fields):
    """A QueryTraceMetrics step; keyword arguments are request fields, except the step's own keys."""
    step = {k: fields.pop(k) for k in list(fields) if k in STEP_KEYS}
    body = {"experiment_ids": ["${exp_id}"], "view_type": view, "metric_name": metric, "aggregations": aggs, **fields}
    return v3("POST", "traces/metrics", body, expect, **step)


def correlation(f1, f2, base=None, expect=200, experiment_ids=("${exp_id}",), **extra):
    body = {"experiment_ids": list(experiment_ids), "filter_string1": f1, "filter_string2": f2}
    if base is not None:
        body["base_filter"] = base
    return v3("POST", "traces/calculate-filter-correlation", body, expect, **extra)


COUNT = [{"aggregation_type": "COUNT"}]
STATS = [{"aggregation_type": "AVG"}, {"aggregation_type": "MIN"}, {"aggregation_type": "MAX"},
         {"aggregation_type": "PERCENTILE", "percentile_value": 50}, {"aggregation_type": "PERCENTILE", "percentile_value": 95}]
TOTALS = [{"aggregation_type": "SUM"}, *STATS]
RANGE = {"start_time_ms": 1_699_990_000_000, "end_time_ms": 1_700_100_000_000}

CASES: dict[str, list[dict]] = {
    "traces_view": [
        *SEED,
        metrics("TRACES", "trace_count", COUNT),
        metrics("TRACES", "trace_count", COUNT, dimensions=["trace_name"]),
        metrics("TRACES", "trace_count", COUNT, dimensions=["trace_status", "trace_name"]),
        metrics("TRACES", "trace_count", COUNT, time_interval_seconds=60, **RANGE),
        metrics("TRACES", "trace_count", COUNT, time_interval_seconds=3600, dimensions=["trace_status"], **RANGE),
        metrics("TRACES", "trace_count", COUNT, time_interval_seconds=86400, start_time_ms=0, end_time_ms=1_800_000_000_000),
        metrics("TRACES", "trace_count", COUNT, start_time_ms=1_700_000_010_000, end_time_ms=1_700_000_105_000),
        metrics("TRACES", "session_count", COUNT),
        metrics("TRACES", "session_count", COUNT, time_interval_seconds=60, **RANGE),
        metrics("TRACES", "latency", STATS),
        metrics("TRACES", "latency", STATS, dimensions=["trace_name"]),
        metrics("TRACES", "latency", [{"aggregation_type": "PERCENTILE", "percentile_value": 99.9}], time_interval_seconds=120, **RANGE),
        metrics("TRACES", "input_tokens", TOTALS),
        metrics("TRACES", "output_tokens", TOTALS, dimensions=["trace_name"]),
        metrics("TRACES", "total_tokens", [{"aggregation_type": "SUM"}], time_interval_seconds=60, **RANGE),
        metrics("TRACES", "cache_read_input_tokens", TOTALS),
        metrics("TRACES", "cache_creation_input_tokens", TOTALS),
        metrics("TRACES", "trace_count", COUNT, dimensions=["trace_name"], max_results=1),
        metrics("TRACES", "trace_count", COUNT, max_results=0),
        metrics("TRACES", "trace_count", COUNT, page_token="ignored"),
        metrics("TRACES", "trace_count", COUNT, experiment_ids=["${empty_exp}"]),
        metrics("TRACES", "latency", STATS, experiment_ids=["${empty_exp}"]),
        metrics("TRACES", "trace_count", COUNT, experiment_ids=[]),
        metrics("TRACES", "trace_count", COUNT, experiment_ids=["${exp_id}", "${empty_exp}", "${exp_id}"]),
    ],
    "traces_filters": [
        *SEED,
        metrics("TRACES", "trace_count", COUNT, filters=["trace.status = 'OK'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.status = 'ERROR'", "trace.tag.team = 'a'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.tag.mlflow.traceName = 'alpha'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.tag.`team` = \"b\""]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.metadata.env = 'prod'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.metadata.mlflow.trace.session = 's1'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.metadata.mlflow.sourceRun = 'run-1'"]),
        metrics("TRACES", "trace_count", COUNT,
                filters=["trace.metadata.mlflow.trace.tokenUsage = '{\"input_tokens\": 2, \"output_tokens\": 3, \"total_tokens\": 5}'"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.metadata.mlflow.trace.tokenUsage = '{\"input_tokens\": 2}'"]),
        metrics("TRACES", "latency", STATS, filters=["trace.status = 'OK'"], dimensions=["trace_name"]),
        metrics("TRACES", "trace_count", COUNT, filters=["trace.status = 'NOPE'"]),
    ],
    "spans_view": [
        *SEED,
        metrics("SPANS", "span_count", COUNT),
        metrics("SPANS", "span_count", COUNT, dimensions=["span_type"]),
        metrics("SPANS", "span_count", COUNT, dimensions=["span_name", "span_status"]),
        metrics("SPANS", "span_count", COUNT, dimensions=["span_model_name", "span_model_provider"]),
        metrics("SPANS", "span_count", COUNT, time_interval_seconds=60, **RANGE),
        metrics("SPANS", "span_count", COUNT, filters=["span.type = 'LLM'"]),
        metrics("SPANS", "span_count", COUNT, filters=["span.status = 'ERROR'", "trace.status = 'OK'"]),
        metrics("SPANS", "span_count", COUNT, filters=["span.name = 'root'"], dimensions=["span_status"]),
        metrics("SPANS", "latency", STATS),
        metrics("SPANS", "latency", STATS, dimensions=["span_name"]),
        metrics("SPANS", "latency", [{"aggregation_type": "MAX"}], time_interval_seconds=30, dimensions=["span_status"], **RANGE),
        metrics("SPANS", "input_cost", TOTALS),
        metrics("SPANS", "output_cost", TOTALS, dimensions=["span_model_name"]),
        metrics("SPANS", "total_cost", [{"aggregation_type": "SUM"}], dimensions=["span_model_provider"], time_interval_seconds=60, **RANGE),
        metrics("SPANS", "total_cost", [{"aggregation_type": "SUM"}], filters=["trace.tag.team = 'a'"]),
        metrics("SPANS", "total_cost", [{"aggregation_type": "SUM"}], start_time_ms=1_700_000_029_000, end_time_ms=1_700_000_030_000),
        metrics("SPANS", "span_count", COUNT, start_time_ms=1_700_000_029_000, end_time_ms=1_700_000_106_000),
    ],
    "assessments_view": [
        *SEED,
        metrics("ASSESSMENTS", "assessment_count", COUNT),
        metrics("ASSESSMENTS", "assessment_count", COUNT, dimensions=["assessment_name"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, dimensions=["assessment_name", "assessment_value"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, time_interval_seconds=60, **RANGE),
        metrics("ASSESSMENTS", "assessment_value", STATS),
        metrics("ASSESSMENTS", "assessment_value", STATS, dimensions=["assessment_name"]),
        metrics("ASSESSMENTS", "assessment_value", [{"aggregation_type": "AVG"}], filters=["assessment.name = 'quality'"], time_interval_seconds=60, **RANGE),
        metrics("ASSESSMENTS", "assessment_count", COUNT, filters=["assessment.type = 'expectation'"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, filters=["trace.status = 'OK'"], dimensions=["assessment_name"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, filters=["trace.tag.mlflow.traceName = 'alpha'", "trace.metadata.env = 'prod'"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, filters=["trace.metadata.mlflow.trace.session = 's1'", "trace.tag.team = 'b'"]),
    ],
    "metrics_errors": [
        NEW_EXP,
        v3("POST", "traces/metrics", {}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("POST", "traces/metrics", {"experiment_ids": ["${exp_id}"]}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("POST", "traces/metrics", {"experiment_ids": ["${exp_id}"], "view_type": "TRACES"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("POST", "traces/metrics", {"experiment_ids": ["${exp_id}"], "view_type": "TRACES", "metric_name": "latency"}, 400),
        v3("POST", "traces/metrics", {"experiment_ids": "x", "view_type": "TRACES", "metric_name": "latency", "aggregations": COUNT}, 400),
        metrics("TRACES", "nope", COUNT, 400),
        metrics("SPANS", "nope", COUNT, 400),
        metrics("ASSESSMENTS", "nope", COUNT, 400),
        metrics("TRACES", "latency", [{"aggregation_type": "COUNT"}, {"aggregation_type": "SUM"}], 400),
        metrics("TRACES", "latency", [{}], 400),
        metrics("TRACES", "latency", [], 400, error_code="BAD_REQUEST"),
        metrics("TRACES", "latency", [], dimensions=["trace_name"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, dimensions=["span_name", "trace_status", "zz"]),
        metrics("SPANS", "latency", [{"aggregation_type": "AVG"}], 400, dimensions=["span_type"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, time_interval_seconds=60),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, time_interval_seconds=60, start_time_ms=1),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], time_interval_seconds=0, start_time_ms=1),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, experiment_ids=["abc"]),
        # MLflow passes the negative limit to the database; its message then quotes the SQL.
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, max_results=-5, error_code="BAD_REQUEST", message_prefix="", compare=False),
        # MLflow's MetricAggregation raises ValueError for these, which its server answers with an HTML 500.
        {**metrics("TRACES", "latency", [{"aggregation_type": "PERCENTILE"}], 400), "ref_expect": 500},
        {**metrics("TRACES", "latency", [{"aggregation_type": "PERCENTILE", "percentile_value": 101}], 400), "ref_expect": 500},
        {**metrics("TRACES", "latency", [{"aggregation_type": "AVG", "percentile_value": 50}], 400), "ref_expect": 500},
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status = 'OK' AND trace.status = 'OK'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status != 'OK'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status LIKE 'O%'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["span.name = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["assessment.name = 'x'"]),
        metrics("SPANS", "latency", [{"aggregation_type": "AVG"}], 400, filters=["assessment.name = 'x'", "foo.bar = 'x'"]),
        metrics("ASSESSMENTS", "assessment_count", COUNT, 400, filters=["assessment.name = 'x'", "span.name = 'x'", "foo.bar = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["foo.name = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.foo = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.tag = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status.k = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status = 5"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["status = 'OK'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.a.b.c = 'OK'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status = OK"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=[""]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], filters=["trace.tag.`a.b` = \"OK\""]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], filters=["`trace`.status = 'OK'", "trace.tag. = 'x'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status IS NULL"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status is not null"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["'OK' = trace.status"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status = ('OK')"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, filters=["trace.status = 'a'; trace.status = 'b'"]),
        metrics("TRACES", "latency", [{"aggregation_type": "AVG"}], 400, time_interval_seconds="abc"),
        metrics("TRACES", "latency", {"aggregation_type": "AVG"}, 400),
        # Past int4: the reference's database refuses the id (its message quotes the SQL).
        metrics("TRACES", "trace_count", COUNT, 400, experiment_ids=["99999999999"], error_code="BAD_REQUEST", compare=False),
    ],
    "correlation": [
        *SEED,
        correlation("status = 'OK'", "status = 'ERROR'"),
        correlation("status = 'OK'", "name = 'alpha'"),
        correlation("tags.team = 'a'", "status = 'ERROR'"),
        correlation("name = 'alpha'", "name = 'alpha'"),
        correlation("name = 'alpha'", "tags.team = 'a'"),
        correlation("status = 'OK'", "name = 'nope'"),
        correlation("span.type = 'LLM'", "feedback.quality > 3"),
        correlation("span.type = 'LLM'", "span.status = 'ERROR'"),
        correlation("status = 'OK'", "name = 'beta'", base="timestamp_ms < 1700000100000"),
        correlation("span.type = 'TOOL'", "span.status = 'ERROR'", base="span.name = 'tool'"),
        correlation("status = 'OK'", "status = 'ERROR'", base=""),
        correlation("status = 'OK'", "status = 'ERROR'", experiment_ids=["${empty_exp}"]),
        v3("POST", "traces/calculate-filter-correlation", {"experiment_ids": [], "filter_string1": "status = 'OK'", "filter_string2": "name = 'x'"}),
    ],
    "correlation_errors": [
        NEW_EXP,
        v3("POST", "traces/calculate-filter-correlation", {}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("POST", "traces/calculate-filter-correlation", {"experiment_ids": ["${exp_id}"], "filter_string1": "status = 'OK'"}, 400),
        v3("POST", "traces/calculate-filter-correlation", {"experiment_ids": ["${exp_id}"], "filter_string2": "status = 'OK'"}, 400),
        v3("POST", "traces/calculate-filter-correlation", {"experiment_ids": ["abc"], "filter_string1": "status = 'OK'", "filter_string2": "x"}, 400),
        # The message prints a Python set, in the reference process's hash order (ours is fixed).
        correlation("status = 'OK'", "status >> 'x'", expect=400, message_prefix="Invalid comparator '>>' not one of "),
        # The reference fails in the database (BAD_REQUEST quoting its SQL); we refuse the value
        # before, as search_traces does (INVALID_PARAMETER_VALUE).
        correlation("tags.x = 'OK'", "metadata.y = 'x'", base="timestamp_ms = 'x'", expect=400, compare=False),
        v3("POST", "traces/calculate-filter-correlation", {"experiment_ids": ["${exp_id}"], "filter_string1": 1, "filter_string2": "x"}, 400),
        correlation("status = 'OK'", "status = 'ERROR'", base="bogus", expect=400),
        correlation("status = 'OK'", "status = 'ERROR'", expect=400, experiment_ids=["99999999999"], error_code="BAD_REQUEST", compare=False),
    ],
}

PARAMS = [pytest.param(name, prefix, id=f"{name}{prefix.replace('/', '_')}") for name in CASES for prefix in PREFIXES]


@pytest.mark.parametrize("case,prefix", PARAMS)
def test_trace_metrics_differential(server, reference, case, prefix):
    run_differential(server, reference, ("test_trace_metrics_differential", case, prefix), CASES[case], prefix)


# ---- Through the official client ------------------------------------------------------------------
# Traces made by the client's own tracing (@mlflow.trace, log_feedback) carry times of the moment, so
# this flow asks only what does not depend on them (counts, tokens, span kinds, assessment values)
# and buckets by a width no two runs of the flow can straddle; the client's RestStore and
# TracingClient send the requests and parse the answers.

import mlflow  # noqa: E402
from mlflow.entities import SpanType  # noqa: E402
from mlflow.entities.trace_metrics import AggregationType, MetricAggregation, MetricViewType  # noqa: E402

from conftest import client_for, fluent, on_both_once, unique_name  # noqa: E402


@mlflow.trace(span_type=SpanType.CHAIN, name="answer")
def _answer(question: str):
    return _chat(question)


@mlflow.trace(span_type=SpanType.LLM, name="chat")
def _chat(question: str):
    mlflow.get_current_active_span().set_attribute("mlflow.chat.tokenUsage", {"input_tokens": len(question), "output_tokens": 2, "total_tokens": len(question) + 2})
    return question.upper()


@mlflow.trace(name="broken")
def _broken(x):
    raise ValueError(f"bad {x}")


def _points(result):
    return sorted((json.dumps(p.dimensions, sort_keys=True), p.metric_name, json.dumps(p.values, sort_keys=True)) for p in result)


def test_client_trace_analytics_alike(server, reference):
    def flow(srv):
        from mlflow.tracing.client import TracingClient

        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("analytics")).experiment_id
            ids = []
            for q in ["why", "what is it", "how"]:
                _answer(q)
                ids.append(mlflow.get_last_active_trace_id())
            with pytest.raises(ValueError):
                _broken(1)
            ids.append(mlflow.get_last_active_trace_id())
            mlflow.flush_trace_async_logging()
            for trace_id, score in zip(ids, [1, 5, 4, 2]):
                mlflow.log_feedback(trace_id=trace_id, name="score", value=score)
            mlflow.log_feedback(trace_id=ids[0], name="helpful", value=True)
        store = client_for(srv)._tracking_client.store
        count = [MetricAggregation(AggregationType.COUNT)]
        stats = [MetricAggregation(AggregationType.AVG), MetricAggregation(AggregationType.MAX),
                 MetricAggregation(AggregationType.PERCENTILE, 75.0)]

        def ask(view, metric, aggregations, **kw):
            return _points(store.query_trace_metrics(experiment_ids=[exp], view_type=view, metric_name=metric, aggregations=aggregations, **kw))

        now_ms = int(time.time() * 1000)
        answers = {
            "traces": ask(MetricViewType.TRACES, "trace_count", count, dimensions=["trace_name", "trace_status"]),
            "bucketed": ask(MetricViewType.TRACES, "trace_count", count, time_interval_seconds=10**9, start_time_ms=0, end_time_ms=now_ms + 3_600_000),
            "tokens": ask(MetricViewType.TRACES, "input_tokens", [MetricAggregation(AggregationType.SUM), *stats], dimensions=["trace_name"]),
            "spans": ask(MetricViewType.SPANS, "span_count", count, dimensions=["span_name", "span_type", "span_status"]),
            "llm_spans": ask(MetricViewType.SPANS, "span_count", count, filters=["span.type = 'LLM'", "trace.status = 'OK'"]),
            "assessments": ask(MetricViewType.ASSESSMENTS, "assessment_count", count, dimensions=["assessment_name", "assessment_value"]),
            "scores": ask(MetricViewType.ASSESSMENTS, "assessment_value", stats, dimensions=["assessment_name"], filters=["trace.tag.mlflow.traceName = 'answer'"]),
        }
        tracing = TracingClient(tracking_uri=srv.url)
        for name, (f1, f2) in {"ok_vs_score": ("status = 'OK'", "feedback.score >= 4"), "name_vs_error": ("name = 'broken'", "status = 'ERROR'")}.items():
            r = tracing.calculate_trace_filter_correlation(experiment_ids=[exp], filter_string1=f1, filter_string2=f2)
            answers[name] = (round(r.npmi, 12), round(r.npmi_smoothed, 12), r.filter1_count, r.filter2_count, r.joint_count, r.total_count)
        # The seed is what the answers describe (so an empty answer on both servers cannot pass).
        assert answers["traces"] == [
            (json.dumps({"trace_name": "answer", "trace_status": "OK"}), "trace_count", json.dumps({"COUNT": 3.0})),
            (json.dumps({"trace_name": "broken", "trace_status": "ERROR"}), "trace_count", json.dumps({"COUNT": 1.0})),
        ]
        assert answers["llm_spans"] == [("{}", "span_count", json.dumps({"COUNT": 3.0}))]
        assert answers["name_vs_error"][2:] == (1, 1, 1, 4)
        assert all(answers[k] for k in ("bucketed", "tokens", "spans", "assessments", "scores")), answers
        return answers

    on_both_once(server, reference, flow)
