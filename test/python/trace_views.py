"""Comparable views of traces read through the official client: everything but ids and times, so
the same flow traced against two servers gives equal views."""

from __future__ import annotations

import json
import re

from mlflow.entities import Trace

ID_KEYS = {"mlflow.traceRequestId"}


def _canon(v, subs: dict):
    if isinstance(v, str):
        for old, new in subs.items():
            v = v.replace(old, new)
        return re.sub(r"mlflow-artifacts:/\d+/", "mlflow-artifacts:/<exp>/", v)
    if isinstance(v, dict):
        return {k: _canon(x, subs) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_canon(x, subs) for x in v]
    return v


def trace_view(trace: Trace, extra_subs: dict | None = None) -> dict:
    """A trace as the client sees it, with ids replaced by placeholders and times dropped."""
    info = trace.info
    subs = {info.trace_id: "<trace>", info.trace_id[3:]: "<trace-hex>", **(extra_subs or {})}
    spans = sorted(trace.data.spans, key=lambda s: (s.parent_id is not None, s.start_time_ns))
    names = {s.span_id: s.name for s in spans}
    metadata = dict(info.trace_metadata)
    # Sizes count the digits of ids and times, which differ between any two runs.
    metadata.pop("mlflow.trace.sizeBytes", None)
    stats = metadata.pop("mlflow.trace.sizeStats", None)
    if stats is not None:
        metadata["num_spans"] = json.loads(stats).get("num_spans")
    view = {
        "state": str(info.state),
        "request_preview": info.request_preview,
        "response_preview": info.response_preview,
        "has_duration": info.execution_duration is not None,
        "tags": dict(info.tags),
        "metadata": metadata,
        "spans": [
            {
                "name": s.name,
                "parent": names.get(s.parent_id) if s.parent_id else None,
                "type": s.span_type,
                "status": str(s.status.status_code),
                "message": s.status.description,
                "inputs": s.inputs,
                "outputs": s.outputs,
                "attributes": {k: v for k, v in s.attributes.items() if k not in ID_KEYS},
                "events": [(e.name, e.attributes) for e in s.events],
                "has_end": s.end_time_ns is not None,
            }
            for s in spans
        ],
    }
    return _canon(view, subs)


def info_view(info) -> dict:
    """A TraceInfo (search results) without ids and times."""
    metadata = dict(info.trace_metadata)
    metadata.pop("mlflow.trace.sizeStats", None)
    metadata.pop("mlflow.trace.sizeBytes", None)
    subs = {info.trace_id: "<trace>"}
    return _canon({"state": str(info.state), "request_preview": info.request_preview, "response_preview": info.response_preview,
                   "tags": dict(info.tags), "metadata": metadata}, subs)
