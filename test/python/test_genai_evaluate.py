"""`mlflow.genai.evaluate` end to end through the official 3.18 client, on the reference server and
on ours: code-based scorers (`@scorer` functions and the built-in scorers that need no LLM), a
`predict_fn`, and data given as a list of dicts, a pandas DataFrame and an evaluation dataset
(`create_dataset` + `merge_records`). Each flow returns the evaluation run, its metrics, the
traces it produced and their assessments as the client reads them back, without ids and times;
ours must equal the reference's.

Evaluate calls, besides the tracking RPCs: OTLP `/v1/traces`, `traces` (start_trace),
`traces/{id}`, `traces/get`, `traces/{id}/assessments` (one per scorer and expectation),
`traces/link-to-run`, `traces/search` with a run filter, and for a dataset `datasets/{id}` and
`datasets/{id}/records`.
"""

from __future__ import annotations

import json

import mlflow
import pandas as pd
import pytest
from mlflow.entities import AssessmentSource, Feedback
from mlflow.genai.scorers import PIIDetection, RegexMatch, ResponseLength, scorer

from conftest import client_for, fluent, on_both_once, run_snapshot, unique_name
from trace_views import trace_view


# ---- the application and its scorers ----------------------------------------------------------


def predict(question: str) -> str:
    if "email" in question:
        return f"Contact me at someone@example.com about {question}"
    return f"Answer: {question.upper()}"


@scorer
def exact_match(outputs, expectations) -> bool:
    return outputs == expectations.get("expected_response")


@scorer
def answer_length(outputs) -> int:
    return len(outputs)


@scorer
def detailed(inputs, outputs) -> Feedback:
    return Feedback(value="yes" if "?" in inputs["question"] else "no", rationale=f"looked at {len(outputs)} characters",
                    metadata={"checker": "detailed"}, source=AssessmentSource(source_type="CODE", source_id="detailed-v1"))


@scorer
def several(outputs) -> list[Feedback]:
    return [Feedback(name="has_answer", value=outputs.startswith("Answer")), Feedback(name="word_count", value=float(len(outputs.split())))]


@scorer
def flaky(outputs) -> float:
    if "b" in outputs.lower():
        raise ValueError("scorer failed on purpose")
    return 1.0


@scorer(aggregations=["min", "max", "median"])
def span_count(trace) -> int:
    return len(trace.data.spans)


SCORERS = [exact_match, answer_length, detailed, several, flaky, span_count,
           RegexMatch(pattern=r"^Answer:"), ResponseLength(max_length=40), PIIDetection()]

RECORDS = [
    {"inputs": {"question": "what is a?"}, "expectations": {"expected_response": "Answer: WHAT IS A?", "facts": ["a", "b"]}},
    {"inputs": {"question": "b"}, "expectations": {"expected_response": "wrong"}},
    {"inputs": {"question": "send an email"}, "expectations": {"expected_response": "no"}},
]


# ---- views ------------------------------------------------------------------------------------


def assessment_view(a, subs: dict) -> dict:
    def s(v):
        if isinstance(v, str):
            for old, new in subs.items():
                v = v.replace(old, new)
        return v

    error = a.feedback.error if getattr(a, "feedback", None) else None
    return {
        "kind": type(a).__name__,
        "name": a.name,
        "value": getattr(a, "value", None),
        "source": (a.source.source_type, s(a.source.source_id)),
        "rationale": a.rationale,
        # The error message names this file's line for exceptions: compare the code only.
        "error": (error.error_code, bool(error.error_message)) if error else None,
        "metadata": {k: s(v) for k, v in (a.metadata or {}).items()},
        "span": subs.get(a.span_id, a.span_id),
        "run_id": s(a.run_id),
        "valid": a.valid,
    }


def evaluation_view(srv, result, experiment_id: str, extra_subs: dict | None = None, *, own_digest: bool = False) -> dict:
    client = client_for(srv)
    run_id = result.run_id
    snapshot = run_snapshot(client, run_id, names=extra_subs)
    if own_digest:
        # An evaluation dataset's input is named after it, its digest computed from its id and
        # times; a DataFrame of traces hashes their ids.
        snapshot["inputs"] = [((extra_subs or {}).get(name, name), "<digest>", *rest) for name, _digest, *rest in snapshot["inputs"]]
    traces = mlflow.search_traces(locations=[experiment_id], run_id=run_id, return_type="list")
    views = []
    for info_only in traces:
        trace = mlflow.get_trace(info_only.info.trace_id)
        subs = {run_id: "<run>", **(extra_subs or {})}
        subs.update({sp.span_id: f"<span {sp.name}>" for sp in trace.data.spans})
        tv = trace_view(trace, extra_subs={run_id: "<run>", **(extra_subs or {})})
        # The evaluation's request ids are random per call.
        tv["tags"].pop("mlflow.eval.requestId", None)
        tv["metadata"] = {k: v for k, v in tv["metadata"].items() if k != "mlflow.trace.sizeBytes"}
        tv["assessments"] = sorted((assessment_view(a, subs) for a in trace.info.assessments), key=lambda v: json.dumps(v, sort_keys=True, default=str))
        views.append(tv)
    views.sort(key=lambda v: json.dumps(v["spans"][0]["inputs"] if v["spans"] else None, sort_keys=True))
    table = result.result_df
    columns = sorted(table.columns) if table is not None else None
    return {
        "metrics": {k: round(float(v), 9) for k, v in result.metrics.items()},
        "run": snapshot,
        "traces": views,
        "result_columns": columns,
        "rows": len(table) if table is not None else None,
    }


# ---- flows ------------------------------------------------------------------------------------


def test_evaluate_list_dataframe_and_dataset(server, reference):
    def flow(srv, kind):
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name(f"eval-{kind}"))
            subs = {}
            if kind == "list":
                data = [dict(r) for r in RECORDS]
            elif kind == "dataframe":
                data = pd.DataFrame(RECORDS)
            else:
                from mlflow.genai.datasets import create_dataset

                ds = create_dataset(name=unique_name("eval-ds"), experiment_id=exp.experiment_id, tags={"team": "qa"})
                ds.merge_records(RECORDS)
                subs = {ds.dataset_id: "<dataset>", ds.name: "<dataset name>", ds.digest: "<digest>"}
                data = ds
            result = mlflow.genai.evaluate(data=data, predict_fn=predict, scorers=SCORERS)
            return evaluation_view(srv, result, exp.experiment_id, subs, own_digest=kind == "dataset")

    for kind in ("list", "dataframe", "dataset"):
        view = on_both_once(server, reference, flow, kind)
        assert len(view["traces"]) == 3, kind
        assert view["metrics"]["exact_match/mean"] == pytest.approx(1 / 3), kind
        assert {"span_count/min", "span_count/max", "span_count/median"} <= set(view["metrics"]), kind
        for t in view["traces"]:
            names = {a["name"] for a in t["assessments"]}
            assert {"exact_match", "answer_length", "detailed", "has_answer", "word_count", "flaky", "span_count", "regex_match",
                    "response_length", "pii_detection", "expected_response"} <= names, (kind, names)
        errors = [a for t in view["traces"] for a in t["assessments"] if a["error"]]
        assert [(a["name"], a["error"][0]) for a in errors] == [("flaky", "SCORER_ERROR")] * 2, kind


def test_evaluate_existing_traces_without_predict_fn(server, reference):
    """Scoring traces already logged (data = search_traces' DataFrame): no predict_fn, the
    assessments land on the existing traces."""

    def flow(srv):
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("eval-traces"))
            for r in RECORDS:
                mlflow.trace(predict)(**r["inputs"])
            mlflow.flush_trace_async_logging()
            traces = mlflow.search_traces(locations=[exp.experiment_id])
            result = mlflow.genai.evaluate(data=traces, scorers=[answer_length, RegexMatch(pattern=r"^Answer:")])
            return evaluation_view(srv, result, exp.experiment_id, own_digest=True)

    on_both_once(server, reference, flow)


def test_evaluate_for_a_logged_model(server, reference):
    """`model_id=`: the traces carry the model id and the metrics are logged to the model too."""

    def flow(srv):
        with fluent(srv):
            exp = mlflow.set_experiment(unique_name("eval-model"))
            model = mlflow.set_active_model(name=unique_name("agent"))
            result = mlflow.genai.evaluate(data=[dict(r) for r in RECORDS], predict_fn=predict, scorers=[exact_match, answer_length], model_id=model.model_id)
            mlflow.clear_active_model()
            subs = {model.model_id: "<model>", model.name: "<model name>"}
            view = evaluation_view(srv, result, exp.experiment_id, subs)
            logged = mlflow.get_logged_model(model.model_id)
            view["model_metrics"] = sorted((m.key, m.value, m.run_id == result.run_id) for m in logged.metrics or [])
            view["traces_of_model"] = [t["metadata"].get("mlflow.modelId") for t in view["traces"]]
            return view

    view = on_both_once(server, reference, flow)
    assert view["model_metrics"] and all(same_run for *_, same_run in view["model_metrics"])
    assert view["traces_of_model"] == ["<model>"] * 3
