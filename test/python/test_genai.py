"""GenAI evaluation and feedback through the official client, on our server and the reference.

Scorer registration (``mlflow.genai.scorers``), GenAI evaluation datasets
(``mlflow.genai.datasets``) and webhooks (``MlflowClient``'s webhook API, ``test_webhook`` and the
deliveries registry and prompt writes cause) run the same flow on both servers; each flow returns a
snapshot normalised for ids and times, the two snapshots must be equal, and each test also states
what the snapshot must contain. Webhook requests go to a local receiver that checks MLflow's
signature. The last tests share a database with a second reference server: each reads the other's
datasets, scorers and (encrypted) webhook secrets.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.genai.judges import make_judge
from mlflow.genai.scorers import Guidelines, RelevanceToQuery, delete_scorer, get_scorer, list_scorers, scorer
from mlflow.genai.scorers.registry import list_scorer_versions

from mlflow.tracking import MlflowClient

from conftest import fluent, unique_name
from test_reference_reads_our_db import second_references  # noqa: F401  (fixture)

# --------------------------------------------------------------------------------------------
# A webhook receiver that checks MLflow's signature


class Receiver:
    """Records every POST; answers 500 to paths under /fail/ (for retries), 200 otherwise."""

    def __init__(self):
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                code = 500 if self.path.startswith("/fail") else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def wait(self, path: str, n: int, timeout: float = 60) -> list[dict]:
        """Deliveries are asynchronous on both servers: wait (bounded) until `n` arrived."""
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.at(path)) < n:
            time.sleep(0.1)
        return self.at(path)


def signature_ok(secret: str, request: dict) -> bool:
    h = request["headers"]
    content = f"{h['x-mlflow-delivery-id']}.{h['x-mlflow-timestamp']}.{request['body']}".encode()
    expected = base64.b64encode(hmac.new(secret.encode(), content, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(h.get("x-mlflow-signature", ""), f"v1,{expected}")


@pytest.fixture(autouse=True)
def _forget_registry_uri():
    """fluent() leaves the process-wide registry URI (and MLFLOW_REGISTRY_URI) on the last server it
    bound; later suites build clients from a tracking URI alone and expect the registry to follow it."""
    yield
    mlflow.set_registry_uri(None)
    os.environ.pop("MLFLOW_REGISTRY_URI", None)


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def client_for(srv) -> MlflowClient:
    """A client bound to one server for tracking AND the registry (webhooks and prompts are
    registry calls, and an unset registry URI follows the process-wide one that fluent() sets)."""
    return MlflowClient(tracking_uri=srv.url, registry_uri=srv.url)


def error_of(fn) -> tuple[str, str]:
    with pytest.raises(MlflowException) as e:
        fn()
    return e.value.error_code, e.value.message


# --------------------------------------------------------------------------------------------
# Scorers


def scorer_flow(srv) -> dict:
    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("scorers")).experiment_id
        polite = Guidelines(name="polite", guidelines=["Be polite"]).register(name="polite", experiment_id=exp)
        judge = make_judge(name="judge", instructions="Is {{ outputs }} good?", model="openai:/gpt-4o-mini", feedback_value_type=bool)
        judge.register(name="judge", experiment_id=exp)
        RelevanceToQuery().register(name="judge", experiment_id=exp)  # version 2 of "judge"
        listed = [(s.name, s._registered_backend is not None, type(s).__name__) for s in list_scorers(experiment_id=exp)]
        versions = [(type(s).__name__, v) for s, v in list_scorer_versions(name="judge", experiment_id=exp)]
        first = get_scorer(name="judge", experiment_id=exp, version=1)
        latest = get_scorer(name="judge", experiment_id=exp)
        delete_scorer(name="judge", experiment_id=exp, version=1)
        after_one = [v for _, v in list_scorer_versions(name="judge", experiment_id=exp)]
        delete_scorer(name="judge", experiment_id=exp, version="all")
        missing = error_of(lambda: get_scorer(name="judge", experiment_id=exp))

        @scorer
        def exact(outputs) -> bool:
            return outputs == "yes"

        custom = error_of(lambda: exact.register(name="exact", experiment_id=exp))
        return {
            "registered": (polite.name, type(polite).__name__),
            "listed": listed,
            "versions": versions,
            "first": (type(first).__name__, first.model_dump()["instructions_judge_pydantic_data"]),
            "latest": type(latest).__name__,
            "after_one": after_one,
            "left": [s.name for s in list_scorers(experiment_id=exp)],
            "missing": (missing[0], missing[1].replace(exp, "<exp>")),
            "custom": custom[0],
        }


def test_scorer_registration_matches_reference(reference, edge_server):
    ref = scorer_flow(reference)
    assert ref["listed"] == [("judge", True, "RelevanceToQuery"), ("polite", True, "Guidelines")]
    assert ref["versions"] == [("InstructionsJudge", 1), ("RelevanceToQuery", 2)]
    assert ref["after_one"] == [2] and ref["left"] == ["polite"]
    assert ref["missing"] == ("RESOURCE_DOES_NOT_EXIST", "RESOURCE_DOES_NOT_EXIST: Scorer with name 'judge' not found for experiment <exp>.")
    assert ref["custom"] == "INVALID_PARAMETER_VALUE"
    assert scorer_flow(edge_server) == ref


# --------------------------------------------------------------------------------------------
# GenAI evaluation datasets


def dataset_flow(srv) -> dict:
    from mlflow.genai.datasets import create_dataset, delete_dataset, delete_dataset_tag, get_dataset, search_datasets, set_dataset_tags

    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("datasets")).experiment_id
        name = unique_name("eval")
        ds = create_dataset(name=name, experiment_id=[exp], tags={"team": "genai", "mlflow.user": "ada"})
        ds.merge_records([
            {"inputs": {"question": "What is MLflow?"}, "expectations": {"answer": "A platform"}},
            {"inputs": {"question": "Who?", "lang": "en"}, "expectations": {"score": 0.5}, "outputs": "someone"},
        ])
        # Same inputs again: merged into the existing record, not added.
        ds.merge_records([{"inputs": {"question": "What is MLflow?"}, "expectations": {"extra": True}}])
        fetched = get_dataset(dataset_id=ds.dataset_id)
        df = fetched.to_df()
        rows = sorted(
            ({"inputs": r["inputs"], "expectations": r["expectations"], "outputs": r.get("outputs")} for r in df.to_dict("records")),
            key=lambda r: json.dumps(r["inputs"], sort_keys=True),
        )
        set_dataset_tags(dataset_id=ds.dataset_id, tags={"team": "evals", "round": "2"})
        delete_dataset_tag(dataset_id=ds.dataset_id, key="round")
        tagged = get_dataset(dataset_id=ds.dataset_id)
        found = search_datasets(experiment_ids=[exp], filter_string=f"name = '{name}'", order_by=["created_time DESC"])
        none = search_datasets(experiment_ids=[exp], filter_string="tags.team = 'nobody'")
        bad_filter = error_of(lambda: search_datasets(experiment_ids=[exp], filter_string="bogus = 'x'"))
        delete_dataset(dataset_id=ds.dataset_id)
        gone = error_of(lambda: get_dataset(dataset_id=ds.dataset_id))
        return {
            # last_updated_by: the client tags records with the OS user (mlflow.user), the same for both.
            "created": (fetched.name == name, fetched.created_by, fetched.last_updated_by),
            "experiment_ids": ["<exp>" if e == exp else e for e in fetched.experiment_ids],
            "tags": tagged.tags,
            "schema": json.loads(fetched.schema),
            "profile": json.loads(fetched.profile),
            "rows": rows,
            "found": [d.dataset_id == ds.dataset_id for d in found],
            "none": len(none),
            "bad_filter": bad_filter[0],
            "gone": (gone[0], gone[1].replace(ds.dataset_id, "<id>")),
        }


def test_genai_datasets_match_reference(reference, edge_server):
    ref = dataset_flow(reference)
    assert ref["created"][:2] == (True, "ada")
    assert ref["tags"] == {"team": "evals", "mlflow.user": "ada"}
    assert ref["profile"] == {"num_records": 2}
    assert ref["rows"][1]["expectations"] == {"answer": "A platform", "extra": True}
    assert ref["found"] == [True] and ref["none"] == 0
    assert ref["gone"] == ("RESOURCE_DOES_NOT_EXIST", "RESOURCE_DOES_NOT_EXIST: Evaluation dataset with id '<id>' not found")
    assert dataset_flow(edge_server) == ref


# --------------------------------------------------------------------------------------------
# Webhooks


def webhook_flow(srv, receiver: Receiver) -> dict:
    from mlflow.entities.webhook import WebhookEvent

    c = client_for(srv)
    tag = unique_name("hooks")
    path = f"/{tag}"
    hook = c.create_webhook(
        name=f"wh-{tag}",
        url=receiver.url + path,
        events=[WebhookEvent("model_version", "created"), WebhookEvent("model_version_alias", "created"), WebhookEvent("prompt", "created")],
        description="notify",
        secret="shh",
    )
    got = c.get_webhook(hook.webhook_id)
    listed = [w.webhook_id for w in c.list_webhooks(max_results=1000)]
    updated = c.update_webhook(hook.webhook_id, description="notify v2")
    tested = c.test_webhook(hook.webhook_id)
    test_request = receiver.wait(path, 1)[0]
    # Registry and prompt writes notify it.
    model = unique_name("whm")
    with fluent(srv):
        exp = mlflow.set_experiment(unique_name("wh")).experiment_id
        with mlflow.start_run(experiment_id=exp) as run:
            pass
    c.create_registered_model(model)
    c.create_model_version(model, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id, tags={"k": "v"})
    c.set_registered_model_alias(model, "champion", "1")
    prompt = c.register_prompt(name=unique_name("whp"), template="Hi {{name}}")
    deliveries = receiver.wait(path, 4)[1:]
    c.delete_webhook(hook.webhook_id)
    gone = error_of(lambda: c.get_webhook(hook.webhook_id))

    def norm(d: dict) -> dict:
        body = json.loads(d["body"])
        data = {k: ("<run_id>" if k == "run_id" and v == run.info.run_id else v) for k, v in body["data"].items()}
        if "source" in data:
            data["source"] = data["source"].replace(run.info.run_id, "<run_id>")
        for k, sub in ((model, "<model>"), (prompt.name, "<prompt>")):
            data = {key: (sub if val == k else val) for key, val in data.items()}
        return {"event": f"{body['entity']}.{body['action']}", "data": data, "signed": signature_ok("shh", d)}

    return {
        "created": (got.name == f"wh-{tag}", got.description, got.status.value, [str(e) for e in got.events], hook.webhook_id in listed),
        "updated": updated.description,
        "test": (tested.success, tested.response_status, tested.response_body, tested.error_message),
        "test_payload": (json.loads(test_request["body"])["data"], signature_ok("shh", test_request)),
        "deliveries": sorted((norm(d) for d in deliveries), key=lambda x: x["event"]),
        "gone": gone[0],
    }


def test_webhooks_match_reference(reference, edge_server, receiver):
    ref = webhook_flow(reference, receiver)
    assert ref["created"] == (True, "notify", "ACTIVE", ["model_version.created", "model_version_alias.created", "prompt.created"], True)
    assert ref["test"] == (True, 200, "thanks", None)
    assert ref["test_payload"][1] is True
    assert [d["event"] for d in ref["deliveries"]] == ["model_version.created", "model_version_alias.created", "prompt.created"]
    assert all(d["signed"] for d in ref["deliveries"])
    assert ref["gone"] == "RESOURCE_DOES_NOT_EXIST"
    assert webhook_flow(edge_server, receiver) == ref


def test_webhook_test_reports_failure_after_retries(server, receiver):
    from mlflow.entities.webhook import WebhookEvent

    c = client_for(server)
    path = f"/fail/{unique_name('retry')}"
    hook = c.create_webhook(name="failing", url=receiver.url + path, events=[WebhookEvent("registered_model", "created")])
    result = c.test_webhook(hook.webhook_id)
    # MLflow's session retries 5xx three times (after about 0, 2 and 4 s) and reports the last answer.
    assert (result.success, result.response_status, result.response_body) == (False, 500, "thanks")
    attempts = receiver.at(path)
    assert len(attempts) == 4
    assert len({a["headers"]["x-mlflow-delivery-id"] for a in attempts}) == 1
    assert "x-mlflow-signature" not in attempts[0]["headers"]  # no secret, no signature
    c.delete_webhook(hook.webhook_id)


# --------------------------------------------------------------------------------------------
# One database, two servers: the reference reads what we stored, and we read what it stored.


def test_reference_reads_our_genai_rows(edge_server, second_references, receiver):  # noqa: F811
    if not os.environ.get("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY"):
        pytest.fail("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY must be the edge server's WEBHOOK_SECRET_ENCRYPTION_KEY (scripts/with-stack.mjs sets both)", pytrace=False)
    from mlflow.entities.webhook import WebhookEvent
    from mlflow.genai.datasets import create_dataset, get_dataset

    second = second_references(edge_server)
    for writer, reader in ((edge_server, second), (second, edge_server)):
        with fluent(writer):
            exp = mlflow.set_experiment(unique_name("shared-genai")).experiment_id
            ds = create_dataset(name=unique_name("shared"), experiment_id=[exp], tags={"k": "v"})
            ds.merge_records([{"inputs": {"q": "é?", "n": 1}, "expectations": {"x": 1.5, "ok": True}, "outputs": {"a": [1, None]}}])
            Guidelines(name="polite", guidelines=["Be polite"]).register(name="polite", experiment_id=exp)
        with fluent(writer):
            written = get_dataset(dataset_id=ds.dataset_id)
            written_df = written.to_df().to_dict("records")
            written_scorer = get_scorer(name="polite", experiment_id=exp).model_dump()
        with fluent(reader):
            read = get_dataset(dataset_id=ds.dataset_id)
            read_df = read.to_df().to_dict("records")
            read_scorer = get_scorer(name="polite", experiment_id=exp).model_dump()
        assert (read.name, read.tags, read.schema, read.profile, read.digest) == (written.name, written.tags, written.schema, written.profile, written.digest)
        assert json.dumps(read_df, default=str) == json.dumps(written_df, default=str)
        assert read_scorer == written_scorer
        # A webhook secret encrypted by the writer signs the reader's test delivery.
        path = f"/{unique_name('shared-hook')}"
        hook = client_for(writer).create_webhook(name="shared", url=receiver.url + path, events=[WebhookEvent("registered_model", "created")], secret="common")
        assert client_for(reader).test_webhook(hook.webhook_id).success is True
        assert signature_ok("common", receiver.wait(path, 1)[0])
        client_for(reader).delete_webhook(hook.webhook_id)
