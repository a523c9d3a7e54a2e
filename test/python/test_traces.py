"""MLflow 3 tracing through the official 3.18 client, on the reference server and on ours.

Each flow traces the same code against a server and returns what the client reads back (trace
views without ids and times, see trace_views.py); on our server the view must equal the
reference's. Spans travel by OTLP (`/v1/traces`) and the trace info by StartTraceV3, in whatever
order the client's export threads send them.
"""

from __future__ import annotations

import asyncio
import time

import mlflow
import pytest
from mlflow.entities import SpanEvent, SpanType
from mlflow.exceptions import MlflowException

from conftest import client_for, fluent, on_both_once, unique_name
from trace_views import info_view, trace_view


def flushed_trace(trace_id: str):
    mlflow.flush_trace_async_logging()
    return mlflow.get_trace(trace_id)


@mlflow.trace(span_type=SpanType.CHAIN)
def pipeline(question: str, model: str = "gpt-4o-mini"):
    with mlflow.start_span("retrieve", span_type=SpanType.RETRIEVER) as span:
        span.set_inputs({"query": question})
        span.set_outputs([{"page_content": "doc ünïcode", "metadata": {"id": 1}}])
        span.add_event(SpanEvent("fetched", attributes={"count": 2, "ok": True, "ratio": 0.5}))
    answer = llm(question)
    mlflow.update_current_trace(tags={"team": "search"}, metadata={"app.version": "1.2"})
    return {"answer": answer}


@mlflow.trace(span_type=SpanType.LLM, name="chat")
def llm(question: str):
    span = mlflow.get_current_active_span()
    span.set_attribute("mlflow.chat.tokenUsage", {"input_tokens": 12, "output_tokens": 5, "total_tokens": 17})
    span.set_attributes({"int": 5, "float": 1.0, "list": [1, 2, 3], "none": None, "nested": {"a": [True, None]}})
    return f"echo: {question}"


@mlflow.trace
def failing(x):
    raise ValueError(f"bad input {x}")


@mlflow.trace
def counter(n):
    yield from range(n)


@mlflow.trace
async def doubled(x):
    await asyncio.sleep(0)
    return x * 2


def test_traced_functions_read_back_alike(server, reference):
    def flow(srv):
        views = []
        with fluent(srv):
            mlflow.set_experiment(unique_name("traced"))
            pipeline("what is mlflow?")
            views.append(trace_view(flushed_trace(mlflow.get_last_active_trace_id())))
            with pytest.raises(ValueError):
                failing(3)
            views.append(trace_view(flushed_trace(mlflow.get_last_active_trace_id())))
            assert list(counter(3)) == [0, 1, 2]
            views.append(trace_view(flushed_trace(mlflow.get_last_active_trace_id())))
            assert asyncio.run(doubled(21)) == 42
            views.append(trace_view(flushed_trace(mlflow.get_last_active_trace_id())))
            with mlflow.start_span("manual") as root:
                root.set_inputs({"x": 1})
                with mlflow.start_span("child", span_type=SpanType.TOOL) as child:
                    child.set_outputs("done")
                root.set_outputs({"y": 2})
            views.append(trace_view(flushed_trace(root.trace_id)))
        first = views[0]
        assert first["state"] == "TraceState.OK" or first["state"] == "OK"
        assert [s["name"] for s in first["spans"]] == ["pipeline", "retrieve", "chat"]
        assert first["tags"]["team"] == "search" and first["metadata"]["app.version"] == "1.2"
        assert first["metadata"]["mlflow.trace.tokenUsage"] == '{"input_tokens": 12, "output_tokens": 5, "total_tokens": 17}'
        assert first["spans"][2]["attributes"]["nested"] == {"a": [True, None]}
        assert views[1]["state"] in ("TraceState.ERROR", "ERROR")
        assert views[1]["spans"][0]["events"][0][0] == "exception"
        return views

    on_both_once(server, reference, flow)


def test_search_traces_filters_order_and_pages(server, reference):
    def flow(srv):
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("search"))
            for i in range(5):
                with mlflow.start_span(f"step-{i}", span_type=SpanType.TOOL if i % 2 else SpanType.CHAIN) as s:
                    s.set_inputs({"i": i})
                    mlflow.update_current_trace(tags={"parity": "odd" if i % 2 else "even"}, metadata={"idx": str(i)})
                    time.sleep(0.01)
            with pytest.raises(ValueError):
                failing(9)
            mlflow.flush_trace_async_logging()
            ids = [exp.experiment_id]
            c = client_for(srv)
            out = {}
            for name, f in {
                "all": None, "odd": "tags.parity = 'odd'", "status": "trace.status = 'ERROR'", "span": "span.type = 'TOOL'",
                "name_like": "name LIKE 'step-%'", "meta": "metadata.idx IN ('1', '3')" if False else "metadata.idx != '2'",
                "text": "trace.text LIKE '%\"i\": 3%'", "attr": "span.attributes.`mlflow.spanType` LIKE '%CHAIN%'",
                "exec": "execution_time_ms >= 0", "timestamp": "timestamp_ms > 0 AND tags.parity IS NOT NULL",
            }.items():
                found = mlflow.search_traces(locations=ids, filter_string=f, return_type="list", order_by=["name ASC"])
                out[name] = [t.info.tags.get("mlflow.traceName") for t in found]
            frame = mlflow.search_traces(locations=ids, order_by=["timestamp_ms ASC"])
            out["frame_columns"] = sorted(frame.columns)
            out["frame_names"] = [t["mlflow.traceName"] for t in frame["tags"]]
            pages, token = [], None
            while True:
                page = c.search_traces(locations=ids, max_results=2, page_token=token, order_by=["tags.parity DESC", "name"])
                pages.append([info_view(t.info) for t in page])
                token = page.token
                if not token:
                    break
            out["pages"] = pages
            with pytest.raises(MlflowException, match="Invalid"):
                mlflow.search_traces(locations=ids, filter_string="trace.status > 'OK'")
        assert out["odd"] == ["step-1", "step-3"] and out["status"] == ["failing"]
        assert len(out["pages"]) == 3
        return out

    on_both_once(server, reference, flow)


def test_tags_delete_and_runs(server, reference):
    def flow(srv):
        c = client_for(srv)
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("edits"))
            with mlflow.start_run() as run:
                pipeline("in a run")
            in_run = mlflow.get_last_active_trace_id()
            with mlflow.start_span("loose"):
                pass
            loose = mlflow.get_last_active_trace_id()
            mlflow.flush_trace_async_logging()
            c.set_trace_tag(loose, "reviewed", "yes")
            c.set_trace_tag(loose, "mlflow.traceName", "renamed")
            c.delete_trace_tag(in_run, "team")
            with pytest.raises(MlflowException):
                c.delete_trace_tag(in_run, "never-set")
            by_run = mlflow.search_traces(locations=[exp.experiment_id], run_id=run.info.run_id, return_type="list")
            c.link_traces_to_run([loose], run.info.run_id)
            linked = mlflow.search_traces(locations=[exp.experiment_id], run_id=run.info.run_id, return_type="list")
            views = {"loose": info_view(c.get_trace(loose).info), "in_run": info_view(c.get_trace(in_run).info)}
            views["loose"]["metadata"].pop("mlflow.sourceRun", None)
            views["in_run"]["metadata"]["mlflow.sourceRun"] = views["in_run"]["metadata"]["mlflow.sourceRun"] == run.info.run_id
            deleted = c.delete_traces(exp.experiment_id, trace_ids=[in_run])
            left = mlflow.search_traces(locations=[exp.experiment_id], return_type="list")
            deleted_by_time = c.delete_traces(exp.experiment_id, max_timestamp_millis=int(time.time() * 1000) + 1000, max_traces=5)
            with pytest.raises(MlflowException):
                mlflow.get_trace(in_run, silent=False) if "silent" in mlflow.get_trace.__code__.co_varnames else c.get_trace(in_run)
        assert [t.info.trace_id for t in by_run] == [in_run]
        assert sorted(t.info.trace_id for t in linked) == sorted([in_run, loose])
        assert deleted == 1 and [t.info.trace_id for t in left] == [loose] and deleted_by_time == 1
        return {"views": views, "counts": [len(by_run), len(linked), deleted, len(left), deleted_by_time]}

    on_both_once(server, reference, flow)
