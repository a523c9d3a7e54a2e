"""Differential REST tests of the assessment API: the same raw requests go to the reference server
and to ours, and the normalised answers must be equal (see differential.py). Where MLflow 3.18
answers a malformed request with a 500 or executes a partly parsed one, the step states the
reference's status (`ref_expect`) and ours; README "Differences" lists them."""

from __future__ import annotations

import pytest

from differential import run_differential

PREFIXES = ["/api", "/ajax-api"]


def v3(method, path, body=None, expect=200, **extra):
    s = {"method": method, "path": "${P}/3.0/mlflow/" + path, "expect": expect, **extra}
    if body is not None:
        s["params" if method == "GET" else "json"] = body
    return s


NEW_EXP = {"method": "POST", "path": "${P}/2.0/mlflow/experiments/create", "json": {"name": "${name}"}, "expect": 200, "save": {"exp_id": "experiment_id"}}
LOCATION = {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "${exp_id}"}}
START = v3("POST", "traces", {"trace": {"trace_info": {"trace_id": "tr-${hex}", "trace_location": LOCATION, "request_time": "2024-01-01T00:00:00Z", "state": "OK"}}},
           save={"trace": "trace.trace_info.trace_id"})
A = "traces/${trace}/assessments"
TIMES = {"create_time": "2024-02-03T04:05:06.789Z", "last_update_time": "2024-02-03T04:05:06.789Z"}


def create(assessment, expect=200, save=None, **extra):
    return v3("POST", A, {"assessment": {**TIMES, **assessment}}, expect, **({"save": {save: "assessment.assessment_id"}} if save else {}), **extra)


def search(filter_string, **extra):
    return v3("POST", "traces/search", {"locations": [LOCATION], "filter": filter_string}, **extra)


CASES: dict[str, list[dict]] = {
    "feedback": [
        NEW_EXP,
        START,
        create({"assessment_name": "quality", "span_id": "00000000000000a1", "source": {"source_type": "HUMAN", "source_id": "ann"},
                "feedback": {"value": 5}, "rationale": "good", "metadata": {"team": "x", "mlflow.assessment.sourceRunId": "0123456789abcdef0123456789abcdef"}},
               save="a1"),
        create({"assessment_name": "kinds", "source": {"source_type": "CODE"}, "feedback": {"value": [1, "a", None, {"k": True}]}}, save="a2"),
        create({"assessment_name": "kinds", "source": {"source_type": "LLM_JUDGE", "source_id": "judge"}, "feedback": {"value": {"b": 2, "a": [3.5]}}}),
        create({"assessment_name": "kinds", "feedback": {"value": "yes"}}),
        create({"assessment_name": "kinds", "feedback": {"value": False}}),
        create({"assessment_name": "failed", "source": {"source_type": "LLM_JUDGE"},
                "feedback": {"error": {"error_code": "RATE_LIMIT", "error_message": "slow down", "stack_trace": "Traceback"}}}),
        create({"assessmentName": "camel", "spanId": "s1", "source": {"sourceType": 2, "sourceId": "gpt"}, "feedback": {"value": 0.5}}),
        # No times given: the server's clock.
        v3("POST", A, {"assessment": {"assessment_name": "now", "feedback": {"value": 1}}}, server_times=True),
        v3("GET", A + "/${a1}"),
        v3("GET", "traces/${trace}", server_times=True),
        v3("PATCH", A + "/${a1}", {"assessment": {"assessment_name": "renamed", "feedback": {"value": "better"}, "rationale": "ignored",
                                                  "metadata": {"team": "y", "new": "z"}, "span_id": "ignored"},
                                   "update_mask": "assessmentName,feedback,metadata,spanId"}, server_times=True),
        v3("PATCH", A + "/${a1}", {"assessment": {}, "update_mask": "rationale"}, server_times=True),
        v3("PATCH", A + "/${a2}", {"assessment": {"feedback": {"value": 3, "error": {"error_code": "E"}}}, "update_mask": "feedback"}, server_times=True),
        v3("GET", A + "/${a1}", server_times=True),
        search("feedback.kinds = 'yes'", server_times=True),
        search("feedback.quality IS NULL", server_times=True),
        search("feedback.renamed = 'better'", server_times=True),
        search("feedback.camel > 0.25", server_times=True),
        search("feedback.camel < 0.25", server_times=True),
    ],
    "overrides": [
        NEW_EXP,
        START,
        create({"assessment_name": "q", "source": {"source_type": "LLM_JUDGE", "source_id": "judge"}, "feedback": {"value": "no"}}, save="judge"),
        create({"assessment_name": "q", "source": {"source_type": "HUMAN", "source_id": "ann"}, "feedback": {"value": "yes"}, "overrides": "${judge}"}, save="human"),
        v3("GET", A + "/${judge}"),
        search("feedback.q = 'yes'"),
        search("feedback.q = 'no'"),
        create({"assessment_name": "q", "feedback": {"value": 1}, "overrides": "a-missing"}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        v3("DELETE", A + "/${human}"),
        v3("GET", A + "/${judge}"),
        v3("GET", A + "/${human}", expect=404),
        v3("DELETE", A + "/${human}"),
        v3("DELETE", "traces/tr-missing/assessments/a-1"),
        v3("GET", "traces/${trace}"),
    ],
    "expectations_and_issues": [
        NEW_EXP,
        START,
        create({"assessment_name": "answer", "expectation": {"value": "Paris"}, "rationale": "dropped", "overrides": "dropped"}, save="e1"),
        create({"assessment_name": "facts", "source": {"source_type": "HUMAN"},
                "expectation": {"serialized_value": {"serialization_format": "JSON_FORMAT", "value": '{"a": [1, 2.5], "b": null}'}}}),
        create({"assessment_name": "struct", "expectation": {"value": {"n": 1, "s": "x"}}}),
        create({"assessment_name": "number", "expectation": {"value": 42}}),
        create({"assessment_name": "iss-1", "issue": {"issue_name": "hallucination"}, "rationale": "seen"}),
        v3("PATCH", A + "/${e1}", {"assessment": {"expectation": {"value": ["London", "Rome"]}, "metadata": {"k": "v"}}, "update_mask": "expectation,metadata"},
           server_times=True),
        v3("GET", A + "/${e1}", server_times=True),
        v3("GET", "traces/${trace}", server_times=True),
        search("expectation.number = '42'", server_times=True),
        search("expectation.number > 40", server_times=True),
        search("issue.id = 'iss-1'", server_times=True),
        search("expectation.facts IS NOT NULL", server_times=True),
    ],
    "errors": [
        NEW_EXP,
        START,
        create({"assessment_name": "q", "feedback": {"value": 1}}, save="fb"),
        create({"assessment_name": "e", "expectation": {"value": 1}}, save="ex"),
        v3("POST", A, {}, 400, error_code="INVALID_PARAMETER_VALUE"),
        create({"assessment_name": "x"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        create({"assessment_name": "x", "expectation": {}}, 400, error_code="INVALID_PARAMETER_VALUE"),
        create({"assessment_name": "x", "expectation": {"serialized_value": {"serialization_format": "YAML", "value": "a: 1"}}}, 400,
               error_code="INVALID_PARAMETER_VALUE"),
        v3("POST", "traces/tr-missing/assessments", {"assessment": {"assessment_name": "x", "feedback": {"value": 1}}}, 404, error_code="RESOURCE_DOES_NOT_EXIST"),
        v3("GET", "traces/tr-missing/assessments/a-1", expect=404, error_code="RESOURCE_DOES_NOT_EXIST"),
        v3("GET", A + "/a-missing", expect=404, error_code="RESOURCE_DOES_NOT_EXIST"),
        v3("PATCH", A + "/a-missing", {"assessment": {"rationale": "x"}, "update_mask": "rationale"}, 404),
        v3("PATCH", A + "/${fb}", {"assessment": {"expectation": {"value": 2}}, "update_mask": "expectation"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("PATCH", A + "/${ex}", {"assessment": {"feedback": {"value": 2}}, "update_mask": "feedback"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("PATCH", A + "/${ex}", {"assessment": {"expectation": {}}, "update_mask": "expectation"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("PATCH", A + "/${fb}", {"assessment": {"rationale": "x"}}, 400, error_code="INVALID_PARAMETER_VALUE"),
        v3("PATCH", A + "/${fb}", {"update_mask": "rationale"}, 400, error_code="INVALID_PARAMETER_VALUE"),
        # MLflow parses what it can of a snake_case mask (nothing) and answers 200; we refuse it.
        v3("PATCH", A + "/${fb}", {"assessment": {"assessment_name": "x"}, "update_mask": "assessment_name"}, 400, ref_expect=200),
        # MLflow passes `valid` to a store method that does not take it: an HTML 500.
        v3("PATCH", A + "/${fb}", {"assessment": {"valid": False}, "update_mask": "valid"}, 400, ref_expect=500),
        # Too long for MLflow's columns: its database refuses (400 BAD_REQUEST with the SQL), we refuse first.
        create({"assessment_name": "x" * 251, "feedback": {"value": 1}}, 400, compare=False),
        create({"assessment_name": "x", "span_id": "s" * 51, "feedback": {"value": 1}}, 400, compare=False),
        # The reference's 200 above stamped a new update time: times are the servers' own from here.
        v3("GET", A + "/${fb}", server_times=True),
        v3("GET", A + "/${ex}"),
        v3("GET", "traces/${trace}", server_times=True),
    ],
}

PARAMS = [pytest.param(name, prefix, id=f"{name}{prefix.replace('/', '_')}") for name in CASES for prefix in PREFIXES]
@pytest.mark.parametrize("case,prefix", PARAMS)
def test_assessment_differential(server, reference, case, prefix):
    run_differential(server, reference, ("test_assessments_differential", case, prefix), CASES[case], prefix)
