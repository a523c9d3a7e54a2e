"""Assessments through the official 3.18 client (`mlflow.log_feedback`, `log_expectation`,
`update_assessment`, `override_feedback`, `delete_assessment`, `get_assessment`), on the reference
server and on ours: each flow returns what the client reads back, without ids and times, and our
answers must equal the reference's."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.entities import AssessmentError, AssessmentSource, AssessmentSourceType, Expectation, Feedback
from mlflow.exceptions import MlflowException

from conftest import fluent, on_both_once, unique_name


def view(a, ids: dict) -> dict:
    """An assessment as the client reads it, ids replaced by the names the flow gave them."""
    value = a.value if not hasattr(a, "issue_name") else a.issue_name
    return {
        "id": ids.get(a.assessment_id, "<other>"),
        "type": type(a).__name__,
        "name": a.name,
        "trace": "<trace>" if a.trace_id in ids.values() or a.trace_id == ids.get("__trace__") else a.trace_id,
        "value": value,
        "error": (a.error.error_code, a.error.error_message, a.error.stack_trace) if getattr(a, "error", None) else None,
        "source": (a.source.source_type, a.source.source_id),
        "rationale": a.rationale,
        "metadata": a.metadata,
        "span_id": ids.get(a.span_id, a.span_id),
        "run_id": a.run_id,
        "overrides": ids.get(a.overrides, a.overrides),
        "valid": a.valid,
        "times_ordered": a.create_time_ms <= a.last_update_time_ms,
    }


@mlflow.trace
def answer(question: str) -> str:
    return f"echo: {question}"


def traced(question: str) -> str:
    answer(question)
    trace_id = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    return trace_id


def test_feedback_expectations_update_override_delete(server, reference):
    def flow(srv):
        out = {}
        with fluent(srv):
            mlflow.set_experiment(unique_name("assess"))
            t = traced("what is mlflow?")
            ids = {"__trace__": t}
            human = AssessmentSource(source_type=AssessmentSourceType.HUMAN, source_id="ann@example.com")
            judge = AssessmentSource(source_type=AssessmentSourceType.LLM_JUDGE, source_id="gpt-4o")
            code = AssessmentSource(source_type=AssessmentSourceType.CODE, source_id="checks.py")
            span_id = mlflow.get_trace(t).data.spans[0].span_id
            ids[span_id] = "<root span>"
            logged = {
                "bool": mlflow.log_feedback(trace_id=t, name="correct", value=True, source=human, rationale="matches", span_id=span_id),
                "int": mlflow.log_feedback(trace_id=t, name="stars", value=4, source=judge, metadata={"mlflow.assessment.sourceRunId": "0" * 32, "k": "v"}),
                "float": mlflow.log_feedback(trace_id=t, name="score", value=0.75, source=code),
                "str": mlflow.log_feedback(trace_id=t, name="verdict", value="yes"),
                "list": mlflow.log_feedback(trace_id=t, name="tags", value=["a", "b", 3]),
                "dict": mlflow.log_feedback(trace_id=t, name="dims", value={"clarity": 1, "tone": "ok"}),
                "error": mlflow.log_feedback(trace_id=t, name="judged", source=judge,
                                             error=AssessmentError(error_code="RATE_LIMIT", error_message="slow down", stack_trace="Traceback ...")),
                "exception": mlflow.log_feedback(trace_id=t, name="crashed", error=ValueError("boom")),
                "expected": mlflow.log_expectation(trace_id=t, name="expected_response", value="MLflow is a platform", source=human),
                "expected_facts": mlflow.log_expectation(trace_id=t, name="expected_facts", value=["a", "b"], metadata={"set": "1"}),
                "expected_dict": mlflow.log_expectation(trace_id=t, name="expected_dict", value={"n": 1, "nested": {"x": [1, 2.5]}}),
            }
            ids.update({a.assessment_id: k for k, a in logged.items()})
            # The exception's stack trace names this file's path and line: compare its presence.
            out["logged"] = {k: view(a, ids) | ({"error": (a.error.error_code, a.error.error_message, bool(a.error.stack_trace))} if k == "exception" else {})
                             for k, a in logged.items()}
            out["got"] = {k: view(mlflow.get_assessment(t, a.assessment_id), ids) | ({"error": None} if k == "exception" else {})
                          for k, a in logged.items()}

            updated = mlflow.update_assessment(t, logged["float"].assessment_id, Feedback(name="score2", value=0.5, rationale="rescored", metadata={"m": "1"}))
            out["updated_feedback"] = view(updated, ids)
            updated = mlflow.update_assessment(t, logged["expected"].assessment_id, Expectation(name="expected_response", value={"answer": "MLflow"}))
            out["updated_expectation"] = view(updated, ids)
            with pytest.raises(MlflowException) as e:
                mlflow.update_assessment(t, logged["expected"].assessment_id, Feedback(name="x", value=1))
            out["wrong_kind"] = (e.value.error_code, e.value.message)

            override = mlflow.override_feedback(trace_id=t, assessment_id=logged["int"].assessment_id, value=5, rationale="human knows best", source=human)
            ids[override.assessment_id] = "override"
            out["override"] = view(override, ids)
            out["overridden"] = view(mlflow.get_assessment(t, logged["int"].assessment_id), ids)
            mlflow.delete_assessment(t, override.assessment_id)
            out["restored"] = view(mlflow.get_assessment(t, logged["int"].assessment_id), ids)
            mlflow.delete_assessment(t, logged["list"].assessment_id)
            with pytest.raises(MlflowException) as e:
                mlflow.get_assessment(t, logged["list"].assessment_id)
            out["deleted"] = e.value.error_code
            with pytest.raises(MlflowException) as e:
                mlflow.log_feedback(trace_id="tr-00000000000000000000000000000000", name="x", value=1)
            out["unknown_trace"] = (e.value.error_code, e.value.message)

            trace = mlflow.get_trace(t)
            out["on_trace"] = sorted((view(a, ids) for a in trace.info.assessments), key=lambda v: (v["id"], v["name"]))
            exp_id = trace.info.experiment_id
            out["search"] = {
                f: [x.info.trace_id == t for x in mlflow.search_traces(locations=[exp_id], filter_string=f, return_type="list")]
                for f in ["feedback.stars > 4", "feedback.stars >= 4", "feedback.verdict = 'yes'", "feedback.correct = 'true'",
                          "expectation.expected_facts IS NOT NULL", "feedback.tags IS NULL", "feedback.score2 < 0.6"]
            }
            df = mlflow.search_traces(locations=[exp_id])
            out["df_assessments"] = sorted(a["assessment_name"] for a in df["assessments"][0])
        return out

    on_both_once(server, reference, flow)


def test_log_assessment_entities_with_overrides_and_spans(server, reference):
    def flow(srv):
        with fluent(srv):
            mlflow.set_experiment(unique_name("assess-entity"))
            t = traced("hello")
            ids = {"__trace__": t}
            first = mlflow.log_assessment(t, Feedback(name="relevance", value=0.2, source=AssessmentSource("LLM_JUDGE", "judge")))
            ids[first.assessment_id] = "first"
            second = mlflow.log_assessment(t, Feedback(name="relevance", value=0.9, source=AssessmentSource("HUMAN", "bob"), overrides=first.assessment_id))
            ids[second.assessment_id] = "second"
            return {
                "first": view(mlflow.get_assessment(t, first.assessment_id), ids),
                "second": view(second, ids),
                "valid_only": [x.info.trace_id == t for x in mlflow.search_traces(locations=[mlflow.get_trace(t).info.experiment_id],
                                                                                    filter_string="feedback.relevance < 0.5", return_type="list")],
            }

    on_both_once(server, reference, flow)


# ---- one shared database: each server reads the assessments the other wrote ------------------

from test_reference_reads_our_db import second_reference, second_references  # noqa: E402,F401 (fixtures)


def log_assessments(srv) -> tuple[str, str, list[str]]:
    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("assess-shared"))
        t = traced("shared")
        ids = [
            mlflow.log_feedback(trace_id=t, name="score", value=0.5, rationale="half", metadata={"k": "v"},
                                source=AssessmentSource("LLM_JUDGE", "judge")).assessment_id,
            mlflow.log_feedback(trace_id=t, name="dims", value={"a": 1, "b": [True, None]}).assessment_id,
            mlflow.log_feedback(trace_id=t, name="failed", error=AssessmentError(error_code="E", error_message="m")).assessment_id,
            mlflow.log_expectation(trace_id=t, name="expected", value={"facts": ["x", "y"]}).assessment_id,
            mlflow.log_expectation(trace_id=t, name="plain", value="yes").assessment_id,
        ]
        ids.append(mlflow.override_feedback(trace_id=t, assessment_id=ids[0], value=0.9, rationale="human").assessment_id)
        mlflow.update_assessment(t, ids[4], Expectation(name="plain2", value="no"))
    return exp.experiment_id, t, ids


def full_assessment_view(srv, experiment_id: str, trace_id: str, ids: list[str]) -> dict:
    """Everything the client reads about the assessments, ids and times included (same rows)."""
    with fluent(srv):
        found = mlflow.search_traces(locations=[experiment_id], filter_string="feedback.score > 0.7", return_type="list")
        return {
            "one_by_one": [mlflow.get_assessment(trace_id, i).to_dictionary() for i in ids],
            "on_trace": sorted((a.to_dictionary() for a in mlflow.get_trace(trace_id).info.assessments), key=lambda d: d["assessment_id"]),
            "search": [x.info.trace_id for x in found],
        }


def assert_same_assessments(writer, reader):
    experiment_id, trace_id, ids = log_assessments(writer)
    ours, theirs = full_assessment_view(writer, experiment_id, trace_id, ids), full_assessment_view(reader, experiment_id, trace_id, ids)
    if ours != theirs:
        from differential import diff_text

        raise AssertionError(f"assessments read differently through {reader.name}:\n  " + "\n  ".join(diff_text(ours, theirs, names=(writer.name, reader.name))[:40]))
    assert ours["search"] == [trace_id]
    # The client's Expectation entity does not carry `valid`.
    assert [a.get("valid") for a in ours["one_by_one"]] == [False, True, True, None, None, True]


def test_shared_db_assessments_forward(server, second_reference):  # noqa: F811
    assert_same_assessments(server, second_reference)


def test_shared_db_assessments_reverse(server, second_reference):  # noqa: F811
    assert_same_assessments(second_reference, server)
