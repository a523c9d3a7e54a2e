"""The data set of the search differential (test_search_differential.py).

`build_plan(seed)` decides everything (experiments, runs, their metrics/params/tags/datasets,
statuses, deletions) from a seeded random generator, with no server involved; `seed_server(url,
plan)` replays the plan through raw REST calls (the client's own requests, minus its chatter). Both servers therefore hold the same data,
and only server-generated ids differ: runs are identified by their `seq` tag, experiments by name.

Start times are unique per run and experiments are created a few milliseconds apart, so every
ordering MLflow applies ends in a total order that does not depend on ids (run_uuid tie-breakers
would otherwise differ between the servers).
"""

from __future__ import annotations

import math
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

RUN_EXPERIMENTS = 4  # the last one is deleted after seeding
EXTRA_EXPERIMENTS = 36  # tag-only experiments for search_experiments
BASE_TIME = 1_700_000_000_000

TEAMS = ["ml", "ML-ops", "data", "Ml_core", "vision"]
MODELS = ["xgb", "lgbm", "rf", "linear", "XGB"]
LRS = ["0.1", "0.01", "1e-3", "0.001"]
RUN_NAMES = [f"{w}-{n}" for w in ("brave", "calm", "Dark", "eager") for n in range(8)]
USERS = ["alice", "bob", "carol"]
DATASETS = [("train_a", "d1a2"), ("train_b", "b7c9"), ("eval", "e0f1"), ("Holdout", "h0h0")]
OWNERS = ["alice", "bob", "team-x", "Team_y"]


@dataclass
class RunSpec:
    seq: int
    experiment: int  # index into plan.run_experiments
    start_time: int
    run_name: str
    tags: dict
    params: dict
    metrics: list  # (key, value, timestamp, step)
    status: str | None  # terminal status or None (stays RUNNING)
    end_time: int | None
    dataset: tuple | None  # (name, digest, context)
    deleted: bool


@dataclass
class Plan:
    prefix: str
    run_experiments: list  # (name, tags)
    extra_experiments: list  # (name, tags, deleted)
    runs: list = field(default_factory=list)


def _metric_value(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.05:
        return math.nan
    if r < 0.08:
        return math.inf
    if r < 0.10:
        return -math.inf
    return round(rng.uniform(-1, 2), 1)  # coarse: many ties, broken by start_time


def build_plan(seed: int, n_runs: int) -> Plan:
    rng = random.Random(seed)
    prefix = f"sdiff-{uuid.UUID(int=rng.getrandbits(128)).hex[:10]}-{uuid.uuid4().hex[:6]}"
    run_exps = [(f"{prefix}-runs{i}", {"owner": OWNERS[i % len(OWNERS)]}) for i in range(RUN_EXPERIMENTS)]
    extra = []
    for j in range(EXTRA_EXPERIMENTS):
        tags = {}
        if rng.random() < 0.7:
            tags["owner"] = rng.choice(OWNERS)
        if rng.random() < 0.4:
            tags["stage"] = rng.choice(["dev", "prod", "Prod"])
        name = f"{prefix}-{rng.choice(['alpha', 'Beta', 'gamma'])}-{j:02d}"
        extra.append((name, tags, rng.random() < 0.15))
    plan = Plan(prefix, run_exps, extra)

    starts = list(range(n_runs))
    rng.shuffle(starts)
    for seq in range(n_runs):
        start = BASE_TIME + starts[seq] * 1000
        tags = {"seq": f"{seq:05d}", "team": rng.choice(TEAMS), "mlflow.user": rng.choice(USERS)}
        if rng.random() < 0.5:
            tags["opt"] = rng.choice(["yes", "no", "Yes"])
        params = {"model": rng.choice(MODELS), "lr": rng.choice(LRS)}
        if rng.random() < 0.7:
            params["depth"] = str(rng.randint(1, 12))
        if rng.random() < 0.2:
            params["p.dotted"] = rng.choice(["a", "b"])
        metrics = []
        for key, p in (("acc", 0.9), ("loss", 0.95), ("val loss", 0.3), ("f1", 0.6)):
            if rng.random() < p:
                metrics.append((key, _metric_value(rng), start + 5, 0))
        if rng.random() < 0.4:  # a history: the latest step wins, not the last logged
            steps = rng.sample(range(5), 3)
            metrics.extend(("steps", _metric_value(rng), start + 10 + s, s) for s in steps)
        status, end_time = None, None
        r = rng.random()
        if r < 0.6:
            status, end_time = "FINISHED", start + rng.randint(1, 500) * 10
        elif r < 0.75:
            status, end_time = "FAILED", start + rng.randint(1, 500) * 10
        dataset = None
        if rng.random() < 0.3:
            name, digest = rng.choice(DATASETS)
            dataset = (name, digest, rng.choice(["training", "eval"]))
        plan.runs.append(
            RunSpec(seq, seq % RUN_EXPERIMENTS, start, rng.choice(RUN_NAMES), tags, params, metrics, status, end_time,
                    dataset, rng.random() < 0.08)
        )
    return plan


def _wire(v: float):
    """Non-finite doubles as proto3 JSON writes them (what the official client sends)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


class _Rest:
    """Raw REST calls; one requests.Session per thread."""

    def __init__(self, url: str):
        self.url = url.rstrip("/") + "/api/2.0/mlflow/"
        self.local = threading.local()

    def post(self, path: str, body: dict, *, retry: bool = True) -> dict:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
        for attempt in range(5):
            # `wrangler dev` reloads the Worker when a source file changes and drops or 503s the
            # requests in flight; with other people editing the tree, that is noise, not a result.
            try:
                r = session.post(self.url + path, json=body, timeout=120)
            except requests.RequestException:
                if attempt == 4 or not retry:
                    raise
                time.sleep(1)
                continue
            if r.status_code != 503 or not retry:
                break
            time.sleep(1)
        if r.status_code != 200:
            raise RuntimeError(f"{path} -> {r.status_code}: {r.text[:500]}")
        return r.json()


def _create_run_once(rest: _Rest, body: dict, seq_tag: str) -> str:
    """runs/create is not idempotent: after a dropped request, look for the run before retrying."""
    for _ in range(5):
        try:
            return rest.post("runs/create", body, retry=False)["run"]["info"]["run_id"]
        except (requests.RequestException, RuntimeError):
            time.sleep(1)
            found = rest.post("runs/search", {"experiment_ids": [body["experiment_id"]], "run_view_type": "ALL",
                                              "filter": f"tags.seq = '{seq_tag}'"})
            if found.get("runs"):
                return found["runs"][0]["info"]["run_id"]
    raise RuntimeError(f"could not create run {seq_tag}")


def _seed_run(rest: _Rest, exp_ids: list, spec: RunSpec) -> str:
    tags = [{"key": k, "value": v} for k, v in {**spec.tags, "note": f"n{spec.seq % 7}"}.items()]
    run_id = _create_run_once(rest, {"experiment_id": exp_ids[spec.experiment], "start_time": spec.start_time,
                                     "run_name": spec.run_name, "user_id": spec.tags["mlflow.user"], "tags": tags},
                              spec.tags["seq"])
    rest.post("runs/log-batch", {
        "run_id": run_id,
        "metrics": [{"key": k, "value": _wire(v), "timestamp": ts, "step": step} for k, v, ts, step in spec.metrics],
        "params": [{"key": k, "value": v} for k, v in spec.params.items()],
    })
    if spec.dataset:
        name, digest, context = spec.dataset
        rest.post("runs/log-inputs", {"run_id": run_id, "datasets": [{
            "tags": [{"key": "mlflow.data.context", "value": context}],
            "dataset": {"name": name, "digest": digest, "source_type": "local", "source": '{"uri": "/data"}'},
        }]})
    if spec.status:
        rest.post("runs/update", {"run_id": run_id, "status": spec.status, "end_time": spec.end_time})
    if spec.deleted:
        rest.post("runs/delete", {"run_id": run_id})
    return run_id


def seed_server(url: str, plan: Plan, workers: int = 12) -> dict:
    """Writes the plan into the server; returns {"experiments": {name: id}, "runs": {seq: run_id}}."""
    rest = _Rest(url)

    def create_experiment(name: str, tags: dict) -> str:
        body = {"name": name, "tags": [{"key": k, "value": v} for k, v in tags.items()]}
        exp_id = rest.post("experiments/create", body)["experiment_id"]
        time.sleep(0.004)  # distinct creation times: ordering by them must not depend on ids
        return exp_id

    names = {name: create_experiment(name, tags) for name, tags in plan.run_experiments}
    names.update({name: create_experiment(name, tags) for name, tags, _ in plan.extra_experiments})
    exp_ids = [names[n] for n, _ in plan.run_experiments]
    with ThreadPoolExecutor(workers) as pool:
        run_ids = list(pool.map(lambda s: _seed_run(rest, exp_ids, s), plan.runs))
    for name, _, deleted in plan.extra_experiments:
        if deleted:
            rest.post("experiments/delete", {"experiment_id": names[name]})
            time.sleep(0.004)
    rest.post("experiments/delete", {"experiment_id": exp_ids[-1]})
    return {"experiments": names, "runs": dict(enumerate(run_ids))}
