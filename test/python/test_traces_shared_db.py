"""Traces on one shared database: what our server writes, the reference server reads identically,
and the reverse (see test_reference_reads_our_db.py for the setup: a second `mlflow server` on the
database of the server under test)."""

from __future__ import annotations

import mlflow

from conftest import client_for, fluent, unique_name
from test_reference_reads_our_db import second_reference, second_references  # noqa: F401 (fixtures)
from test_traces import pipeline
from trace_views import info_view, trace_view


def log_traces(srv) -> tuple[str, list[str]]:
    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("shared-traces"))
        with mlflow.start_run():
            pipeline("shared db")
        ids = [mlflow.get_last_active_trace_id()]
        with mlflow.start_span("second") as span:
            span.set_inputs({"messages": [{"role": "user", "content": "ünï"}]})
        ids.append(span.trace_id)
        mlflow.flush_trace_async_logging()
        client_for(srv).set_trace_tag(ids[1], "reviewed", "yes")
    return exp.experiment_id, ids


def views_through(srv, experiment_id: str, ids: list[str]) -> dict:
    c = client_for(srv)
    with fluent(srv):
        filtered = mlflow.search_traces(locations=[experiment_id], filter_string="tags.reviewed = 'yes'", return_type="list")
    return {
        "traces": [trace_view(c.get_trace(i)) for i in ids],
        "search": [info_view(t.info) for t in c.search_traces(locations=[experiment_id], order_by=["timestamp_ms ASC"])],
        "filtered": [t.info.trace_id for t in filtered],
    }


def assert_same_reading(writer, reader):
    experiment_id, ids = log_traces(writer)
    ours, theirs = views_through(writer, experiment_id, ids), views_through(reader, experiment_id, ids)
    if ours != theirs:
        from differential import diff_text

        raise AssertionError(f"traces read differently through {reader.name}:\n  " + "\n  ".join(diff_text(ours, theirs, names=(writer.name, reader.name))[:40]))
    assert [s["name"] for s in ours["traces"][0]["spans"]] == ["pipeline", "retrieve", "chat"]
    assert ours["filtered"] == [ids[1]]


def test_shared_db_traces_forward(server, second_reference):  # noqa: F811
    assert_same_reading(server, second_reference)


def test_shared_db_traces_reverse(server, second_reference):  # noqa: F811
    assert_same_reading(second_reference, server)
