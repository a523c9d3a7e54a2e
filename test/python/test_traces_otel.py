"""Spans from a plain OpenTelemetry SDK (no MLflow client) exported to `/v1/traces`, with the OTLP
protobuf exporter and as OTLP JSON, plus MLflow's answers to bad OTLP requests: the same on both
servers, and what the stored traces read back as through the MLflow client."""

from __future__ import annotations

import gzip
import json
import uuid

import requests
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from conftest import client_for, on_both_once, unique_name
from trace_views import trace_view


def otel_traces(srv, compression=Compression.NoCompression):
    c = client_for(srv)
    exp = c.create_experiment(unique_name("otel"))
    exporter = OTLPSpanExporter(endpoint=srv.url + "/v1/traces", headers={"x-mlflow-experiment-id": exp}, compression=compression)
    provider = TracerProvider(resource=Resource.create({"service.name": "otel-app", "deployment.environment": "test", "build": 7}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("edge-test")
    with tracer.start_as_current_span("agent", attributes={"gen_ai.operation.name": "invoke_agent", "input.value": '{"question": "hi"}'}) as root:
        with tracer.start_as_current_span("llm-call", attributes={
            "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 11, "gen_ai.usage.output_tokens": 3,
            "openinference.span.kind": "LLM", "tags": ["a", "b"], "score": 0.25, "ok": True, "session.id": "sess-1",
        }) as llm:
            llm.add_event("token", {"n": 1})
        with tracer.start_as_current_span("tool") as tool:
            tool.set_status(Status(StatusCode.ERROR, "tool failed"))
        trace_id = f"tr-{root.get_span_context().trace_id:032x}"
    provider.shutdown()
    view = trace_view(c.get_trace(trace_id))
    # The reference prices LLM spans from the model catalog bundled with MLflow; we store the costs
    # clients send but do not price spans ourselves (README, differences).
    view["metadata"].pop("mlflow.trace.cost", None)
    for span in view["spans"]:
        span["attributes"].pop("mlflow.llm.cost", None)
    return view


def test_otel_sdk_protobuf_export(server, reference):
    view = on_both_once(server, reference, otel_traces)
    assert [s["name"] for s in view["spans"]] == ["agent", "llm-call", "tool"]
    assert view["tags"]["service.name"] == "otel-app" and view["tags"]["build"] == "7"
    assert view["metadata"]["mlflow.trace.tokenUsage"] == '{"input_tokens": 11, "output_tokens": 3, "total_tokens": 14}'
    assert view["metadata"]["mlflow.trace.session"] == "sess-1"
    assert view["spans"][1]["type"] == "LLM" and view["spans"][0]["type"] == "AGENT"


def test_otel_sdk_gzip_export(server, reference):
    def flow(srv):
        return otel_traces(srv, Compression.Gzip)

    on_both_once(server, reference, flow)


def json_export(srv):
    c = client_for(srv)
    exp = c.create_experiment(unique_name("otlp-json"))
    trace_hex = uuid.uuid4().hex
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-app"}}]},
             "scopeSpans": [{"spans": [
                 {"traceId": trace_hex, "spanId": "00000000000000a1", "name": "root", "kind": 2, "startTimeUnixNano": "1700000000000000000",
                  "endTimeUnixNano": "1700000002000000000", "status": {"code": 1},
                  "attributes": [{"key": "mlflow.spanInputs", "value": {"stringValue": "{\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}"}},
                                 {"key": "big", "value": {"intValue": "9007199254740993"}}, {"key": "ü", "value": {"doubleValue": 1.5}}]},
                 {"traceId": trace_hex, "spanId": "00000000000000b1", "parentSpanId": "00000000000000a1", "name": "child",
                  "startTimeUnixNano": 1700000000500000000, "endTimeUnixNano": 1700000001000000000,
                  "links": [{"traceId": uuid.uuid4().hex, "spanId": "00000000000000c1"}]}]}]}]}
    headers = {"x-mlflow-experiment-id": exp, "content-type": "application/json"}
    plain = requests.post(srv.url + "/v1/traces", json=body, headers=headers, timeout=30)
    assert (plain.status_code, plain.headers["content-type"], plain.json()) == (200, "application/json", {})
    zipped = requests.post(srv.url + "/v1/traces", data=gzip.compress(json.dumps(body).encode()), headers={**headers, "content-encoding": "gzip"}, timeout=30)
    assert zipped.status_code == 200
    trace = c.get_trace(f"tr-{trace_hex}")
    view = trace_view(trace)
    assert view["request_preview"] == "hello"
    assert view["spans"][0]["attributes"]["big"] == 9007199254740993
    return view


def test_otlp_json_export(server, reference):
    on_both_once(server, reference, json_export)


def bad_requests(srv):
    exp = client_for(srv).create_experiment(unique_name("otlp-bad"))
    post = lambda data, **headers: requests.post(srv.url + "/v1/traces", data=data, headers={"x-mlflow-experiment-id": exp, "content-type": "application/x-protobuf", **headers}, timeout=30)
    answers = {
        "content_type": post(b"", **{"content-type": "text/plain"}),
        "no_header": requests.post(srv.url + "/v1/traces", data=b"", headers={"content-type": "application/x-protobuf"}, timeout=30),
        "empty": post(b""),
        "garbage": post(b"\xff\xff\xff"),
        "bad_json": post(b"{nope", **{"content-type": "application/json"}),
        "bad_gzip": post(b"not gzip", **{"content-encoding": "gzip"}),
        "encoding": post(b"", **{"content-encoding": "br"}),
        "unknown_experiment": requests.post(srv.url + "/v1/traces", data=json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": uuid.uuid4().hex, "spanId": "00000000000000a1", "name": "x"}]}]}]}),
                                            headers={"x-mlflow-experiment-id": "987654321", "content-type": "application/json"}, timeout=30),
        "no_span_id": post(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": uuid.uuid4().hex, "name": "x"}]}]}]}).encode(), **{"content-type": "application/json"}),
    }
    out = {}
    for name, r in answers.items():
        body = r.json()
        if isinstance(body, dict):
            body.pop("sqlstate", None)
            body.pop("error_class", None)
        out[name] = (r.status_code, body)
    return out


def test_otlp_bad_requests(server, reference):
    out = on_both_once(server, reference, bad_requests)
    assert out["content_type"][0] == 400 and out["no_header"][0] == 422 and out["unknown_experiment"][0] == 404
