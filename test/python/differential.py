"""A small harness that replays the same raw REST steps against a server and normalises what it
answers, so two servers' answers can be compared field by field.

A *case* is a list of *steps*; a step is a dict:

  method, path          HTTP method and path; strings may hold ``${var}`` templates
  json / data / params  request body (JSON), raw body (no Content-Type unless headers say so),
                        query parameters (a dict or a list of pairs for repeated keys)
  headers               extra request headers
  expect                status every server must return
  error_code            error_code every server must return (when the body is a JSON error)
  save                  {var: "dotted.path"} taken from the JSON answer into the case context
  message_prefix        compare only this (templated) start of an error message; the rest is
                        server-specific (e.g. the reference appends SQL driver text)
  shape_only            compare only key sets and value types, not values
  text                  compare the raw body text (for non-JSON endpoints such as /version)
  ref_expect            the reference server's status where it is known to be wrong; the step is
                        then not compared, and ``edge_check`` states our behaviour instead
  edge_check            callable(requests.Response) with assertions for our server
  compare               False: do not compare this step's answers (its checks still run)
  server_times          True: RFC 3339 strings under create_time/last_update_time are the server's
                        clock (e.g. an assessment's update time) and compared by presence only

``${name}`` is a fresh unique string per server per case (use it for experiment names), ``${hex}``,
``${hex2}`` … ``${hex6}`` fresh 32-hex ids (for trace ids), and
``${P}`` is the API prefix the case is run under.
"""

from __future__ import annotations

import base64
import json
import math
import re
import uuid
from typing import Any

import requests

TEMPLATE = re.compile(r"\$\{(\w+)\}")
# Server-generated wall-clock times: compared by type only.
SERVER_TIME_KEYS = {"creation_time", "last_update_time"}
# Lists whose order is not part of the contract (run data, tags): compared as sorted lists.
# latest_versions: the reference lists one version per stage in the physical order of the rows it
# read (it builds a dict while scanning model_versions without ORDER BY), which changes as rows are
# updated; two runs of the same steps against the reference alone disagree.
# assessments: a trace's assessments are read without ORDER BY (sqlalchemy_store.py), in no defined order.
UNORDERED_LIST_KEYS = {"tags", "params", "dataset_inputs", "latest_versions", "assessments"}
# Double fields: the reference (protobuf) writes 0.0 where JavaScript's JSON writes 0. No client can
# tell them apart (both parse into a double), so they are compared as floats; inside a
# google.protobuf.Value (an assessment's `value`: lists, structs) every number is a double too;
# `values` (trace metrics' map of aggregation → double) and npmi / npmi_smoothed are doubles too.
DOUBLE_KEYS = {"value", "values", "npmi", "npmi_smoothed"}
# Wire timestamps (RFC 3339) the server stamps itself; compared by presence with `server_times`.
SERVER_TIMESTAMP_KEYS = {"create_time", "last_update_time"}
TIMEOUT = 30


def render(value: Any, ctx: dict) -> Any:
    """Substitute ``${var}`` in strings, recursively; a string that is only ``${var}`` becomes the
    raw context value (which may be a non-string)."""
    if isinstance(value, str):
        m = TEMPLATE.fullmatch(value)
        if m:
            return ctx[m.group(1)]
        return TEMPLATE.sub(lambda mm: str(ctx[mm.group(1)]), value)
    if isinstance(value, dict):
        return {render(k, ctx): render(v, ctx) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(render(v, ctx) for v in value)
    return value


def dig(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def send(base_url: str, step: dict, ctx: dict) -> requests.Response:
    kwargs: dict = {"timeout": TIMEOUT}
    if "json" in step:
        kwargs["json"] = render(step["json"], ctx)
    if "data" in step:
        kwargs["data"] = render(step["data"], ctx)
    if "params" in step:
        kwargs["params"] = render(step["params"], ctx)
    if "headers" in step:
        kwargs["headers"] = render(step["headers"], ctx)
    return requests.request(step["method"], base_url + render(step["path"], ctx), **kwargs)


def parse_json(resp: requests.Response) -> Any:
    try:
        return json.loads(resp.text) if resp.text.strip() else None
    except ValueError:
        return None


class Normaliser:
    """Replaces values that legitimately differ between servers (ids, names, times) by
    placeholders named after the context variable they came from."""

    # Keys whose value is an id: replaced when equal to a context value.
    ID_KEYS = {"experiment_id", "run_id", "run_uuid"}
    # Numeric ids (experiment ids) inside longer strings are replaced only after these words, so a
    # param value "1" is not mistaken for experiment 1.
    NUMERIC_CONTEXT = r"(id=|id |ID '|ID=|experiment |Experiment |:/|/experiments/)"

    def __init__(self, ctx: dict):
        items = [
            (str(v), k) for k, v in ctx.items()
            if k != "P" and isinstance(v, (str, int)) and not isinstance(v, bool) and str(v)
        ]
        # Longest first so that a run id is not partly replaced by an experiment id.
        items.sort(key=lambda kv: -len(kv[0]))
        self.numeric = [(v, k) for v, k in items if v.isdigit()]
        self.textual = [(v, k) for v, k in items if not v.isdigit()]

    def string(self, s: str, key: str | None = None) -> str:
        for value, var in self.textual:
            if s == value:
                return f"<{var}>"
        if key in self.ID_KEYS:
            for value, var in self.numeric:
                if s == value:
                    return f"<{var}>"
        for value, var in self.textual:
            s = s.replace(value, f"<{var}>")
        for value, var in self.numeric:
            s = re.sub(self.NUMERIC_CONTEXT + re.escape(value) + r"(?![\w.])", rf"\1<{var}>", s)
        return s

    def value(self, v: Any, key: str | None = None, parent: str | None = None) -> Any:
        if key == "value" and parent == "serialized_value" and isinstance(v, str):
            # A serialized expectation: its keys come in the protobuf runtime's map order (upb
            # hashes them with a per-process random seed); clients json.loads it, so it is
            # compared as the value it encodes.
            try:
                return {"<json>": self.value(json.loads(v), "serialized", parent)}
            except ValueError:
                pass
        if key in DOUBLE_KEYS and isinstance(v, (list, dict)):
            return _doubles(self.value(v, f"{key}[]", parent))
        if isinstance(v, dict):
            return {k: self.value(x, k, key) for k, x in v.items()}
        if isinstance(v, list):
            items = [self.value(x, None, key) for x in v]
            if key in UNORDERED_LIST_KEYS or (key == "metrics" and parent == "data"):
                items.sort(key=lambda x: json.dumps(_sort_view(x), sort_keys=True))
            return items
        if key in DOUBLE_KEYS and isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        if key in SERVER_TIME_KEYS and isinstance(v, int):
            return "<time:int>"
        if key == "next_page_token" and isinstance(v, str):
            return "<page_token>" if v else ""
        if isinstance(v, str):
            s = self.string(v, key)
            # Assessment ids the server generated and the case did not save: equal by shape.
            return "<generated assessment id>" if key == "assessment_id" and GENERATED_ASSESSMENT_ID.fullmatch(s) else s
        if isinstance(v, float) and math.isnan(v):
            return "NaN(float)"
        return v


GENERATED_ASSESSMENT_ID = re.compile(r"a-[0-9a-f]{32}")


def _sort_view(v: Any) -> Any:
    """What an unordered list is sorted by: not the server's clock."""
    if isinstance(v, dict):
        return {k: x for k, x in v.items() if k not in SERVER_TIMESTAMP_KEYS}
    return v


def _doubles(v: Any) -> Any:
    if isinstance(v, list):
        return [_doubles(x) for x in v]
    if isinstance(v, dict):
        return {k: _doubles(x) for k, x in v.items()}
    return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


def _server_times(v: Any) -> Any:
    if isinstance(v, list):
        return [_server_times(x) for x in v]
    if isinstance(v, dict):
        return {k: ("<server time>" if k in SERVER_TIMESTAMP_KEYS and isinstance(x, str) else _server_times(x)) for k, x in v.items()}
    return v


def shape(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: shape(x) for k, x in sorted(v.items())}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__


def normalise(step: dict, resp: requests.Response, ctx: dict) -> dict:
    body = parse_json(resp)
    out: dict = {"status": resp.status_code}
    if body is None:
        out["body"] = "<not json>"
        if step.get("text"):
            out["text"] = resp.text
        return out
    norm = Normaliser(ctx)
    if step.get("shape_only"):
        out["json"] = shape(body)
        return out
    body = norm.value(body)
    if step.get("server_times"):
        body = _server_times(body)
    if isinstance(body, dict) and "message" in body and "message_prefix" in step:
        prefix = norm.string(render(step["message_prefix"], ctx))
        msg = body["message"]
        body["message"] = prefix if msg.startswith(prefix) else f"<does not start with {prefix!r}: {msg!r}>"
    out["json"] = body
    return out


def run_case(base_url: str, steps: list[dict], prefix: str) -> list[tuple[dict, requests.Response, dict]]:
    """Runs every step; returns (step, response, normalised answer) triples. Stops at the first
    step whose status is not the one a later step needs (a failed `save`)."""
    # `hex`/`hex2`: fresh 32-hex ids (trace ids) per server per case.
    ctx: dict = {"name": f"diff-{uuid.uuid4().hex[:12]}", "hex": uuid.uuid4().hex, "hex2": uuid.uuid4().hex, "P": prefix}
    # More trace ids for cases that seed several traces (trace analytics).
    ctx.update({f"hex{i}": uuid.uuid4().hex for i in range(3, 7)})
    for key in ("hex", "hex2"):  # their base64 forms, as span ids travel in OTLP JSON
        ctx[key + "_b64"] = base64.b64encode(bytes.fromhex(ctx[key])).decode()
    results = []
    for step in steps:
        resp = send(base_url, step, ctx)
        for var, dotted in step.get("save", {}).items():
            body = parse_json(resp)
            try:
                ctx[var] = dig(body, dotted)
            except (KeyError, IndexError, TypeError):
                raise AssertionError(
                    f"step {describe(step)}: cannot save {var} from {dotted}: {resp.status_code} {resp.text[:500]}"
                )
        results.append((step, resp, normalise(step, resp, ctx)))
    return results


def describe(step: dict) -> str:
    return step.get("name") or f"{step['method']} {step['path']}"


def check_expectations(server_name: str, results, *, reference: bool) -> None:
    for i, (step, resp, norm) in enumerate(results):
        label = f"[{server_name}] step {i} {describe(step)}"
        want = step.get("ref_expect", step.get("expect")) if reference else step.get("expect")
        if want is not None:
            assert resp.status_code == want, f"{label}: status {resp.status_code} != {want}\n{resp.text[:800]}"
        if "error_code" in step and (not reference or "ref_expect" not in step):
            body = parse_json(resp)
            got = body.get("error_code") if isinstance(body, dict) else None
            assert got == step["error_code"], f"{label}: error_code {got!r} != {step['error_code']!r}\n{resp.text[:800]}"
        if not reference and step.get("edge_check"):
            step["edge_check"](resp)


def diff_text(a: Any, b: Any, path: str = "$", names: tuple[str, str] = ("reference", "edge")) -> list[str]:
    """Readable list of differences between two normalised answers (``a`` named names[0])."""
    an, bn = names
    out: list[str] = []
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(b, tuple):
        b = list(b)
    if type(a) is not type(b):
        out.append(f"{path}: {an} {a!r} ({type(a).__name__}) vs {bn} {b!r} ({type(b).__name__})")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in b:
                out.append(f"{path}.{k}: only in {an}: {_short(a[k])}")
            elif k not in a:
                out.append(f"{path}.{k}: only in {bn}: {_short(b[k])}")
            else:
                out.extend(diff_text(a[k], b[k], f"{path}.{k}", names))
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: length {an} {len(a)} vs {bn} {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(diff_text(x, y, f"{path}[{i}]", names))
    elif a != b:
        out.append(f"{path}: {an} {_short(a)} vs {bn} {_short(b)}")
    return out


def _short(v: Any, n: int = 160) -> str:
    r = repr(v)
    return r if len(r) <= n else r[:n] + f"...({len(r)} chars)"


def compare_results(ref_results, edge_results) -> None:
    problems = []
    for i, ((step, _, ref_norm), (_, edge_resp, edge_norm)) in enumerate(zip(ref_results, edge_results)):
        if step.get("compare", True) is False or "ref_expect" in step:
            continue
        d = diff_text(ref_norm, edge_norm)
        if d:
            problems.append(f"step {i} {describe(step)}:\n    " + "\n    ".join(d))
    assert not problems, "edge differs from reference:\n  " + "\n  ".join(problems)


_REFERENCE_RESULTS: dict = {}


def run_differential(server, reference, key, steps: list[dict], prefix: str) -> None:
    """One differential case on one server: the reference's results are checked against the
    case's expectations and kept under ``key``; ours are checked too and compared with them (the
    reference runs the case once, in its own parametrisation or on demand)."""

    def reference_results():
        if key not in _REFERENCE_RESULTS:
            results = run_case(reference.url, steps, prefix)
            check_expectations(reference.name, results, reference=True)
            _REFERENCE_RESULTS[key] = results
        return _REFERENCE_RESULTS[key]

    if server.name == "reference":
        _REFERENCE_RESULTS.pop(key, None)
        reference_results()
        return
    results = run_case(server.url, steps, prefix)
    check_expectations(server.name, results, reference=False)
    compare_results(reference_results(), results)
