"""The official mlflow client against our Worker with auth ON (src/auth): bearer tokens
(MLFLOW_TRACKING_TOKEN, issued through the API and through scripts/auth-token.mjs), HTTP Basic
(MLFLOW_TRACKING_USERNAME/PASSWORD), MLflow's AuthServiceClient managing users and permissions, and
the Cloudflare Access service-token header plugin (plugins/mlflow-cf-access) through a local stand-in
for Access that signs real RS256 JWTs the Worker verifies against its JWKS.

Starts its own stack (test/python/auth_stack.mjs: wrangler dev on free ports, or AUTH_E2E_PORT, a
fresh Postgres database, an S3 server); it does not use the shared EDGE_MLFLOW_URL server, whose auth
is off. Installs Flask-WTF (for AuthServiceClient, i.e. `mlflow[auth]`) and the header plugin into
this venv if they are missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import requests

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.server import get_app_client

REPO = Path(__file__).resolve().parents[2]
CREDENTIAL_VARS = [
    "MLFLOW_TRACKING_TOKEN",
    "MLFLOW_TRACKING_USERNAME",
    "MLFLOW_TRACKING_PASSWORD",
    "CF_ACCESS_CLIENT_ID",
    "CF_ACCESS_CLIENT_SECRET",
]


@pytest.fixture(scope="module")
def stack():
    proc = subprocess.Popen(
        ["npm", "exec", "--", "node", "test/python/auth_stack.mjs"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so teardown stops wrangler & co. too
    )
    info = None
    try:
        for line in proc.stdout:
            if line.startswith("READY "):
                info = json.loads(line[len("READY ") :])
                break
        if info is None:
            raise RuntimeError(f"auth stack did not start (exit {proc.wait(timeout=10)})")
        yield info
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    for var in CREDENTIAL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


def use_basic(monkeypatch, username, password):
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)


def use_token(monkeypatch, token):
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)


def admin_auth(stack):
    return (stack["admin"]["username"], stack["admin"]["password"])


def new_user(stack, monkeypatch, password="a-long-password"):
    """Creates a user through AuthServiceClient as the bootstrap admin."""
    use_basic(monkeypatch, *admin_auth(stack))
    name = f"user-{uuid.uuid4().hex[:10]}"
    user = get_app_client("basic-auth", stack["url"]).create_user(name, password)
    assert user.username == name and user.is_admin is False
    return name, password


def tracking_flow(url, tmp_path):
    """What a training job does: experiment, run, params, metrics, an artifact, search, read back."""
    client = MlflowClient(url)
    exp_id = client.create_experiment(f"auth-e2e-{uuid.uuid4().hex[:8]}")
    run = client.create_run(exp_id)
    run_id = run.info.run_id
    client.log_param(run_id, "lr", "0.1")
    for step in range(3):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    artifact = tmp_path / "notes.txt"
    artifact.write_text("trained behind auth")
    client.log_artifact(run_id, str(artifact))
    client.set_terminated(run_id)
    got = client.get_run(run_id)
    assert got.data.params == {"lr": "0.1"}
    assert [m.value for m in client.get_metric_history(run_id, "loss")] == [1.0, 0.5, 1.0 / 3]
    assert [f.path for f in client.list_artifacts(run_id)] == ["notes.txt"]
    local = client.download_artifacts(run_id, "notes.txt", str(tmp_path / "dl"))
    assert Path(local).read_text() == "trained behind auth"
    assert [r.info.run_id for r in client.search_runs([exp_id])] == [run_id]
    return exp_id, run_id


def test_anonymous_client_is_rejected(stack):
    with pytest.raises(MlflowException, match="401"):
        MlflowClient(stack["url"]).search_experiments()
    assert requests.get(stack["url"] + "/health").text == "OK"


def test_basic_auth(stack, monkeypatch, tmp_path):
    name, password = new_user(stack, monkeypatch)
    use_basic(monkeypatch, name, password)
    tracking_flow(stack["url"], tmp_path)
    use_basic(monkeypatch, name, "not-the-password")
    with pytest.raises(MlflowException, match="401"):
        MlflowClient(stack["url"]).search_experiments()


def test_bearer_token_issued_by_api(stack, monkeypatch, tmp_path):
    name, password = new_user(stack, monkeypatch)
    res = requests.post(
        stack["url"] + "/api/2.0/mlflow/users/tokens/create", json={"name": "notebook"}, auth=(name, password), timeout=30
    )
    assert res.status_code == 200, res.text
    token, token_id = res.json()["secret"], res.json()["token"]["id"]
    use_token(monkeypatch, token)
    tracking_flow(stack["url"], tmp_path)
    assert requests.get(stack["url"] + "/api/2.0/mlflow/users/current", headers={"Authorization": f"Bearer {token}"}).json()[
        "user"
    ]["username"] == name
    revoked = requests.post(
        stack["url"] + "/api/2.0/mlflow/users/tokens/revoke", json={"id": token_id}, auth=(name, password), timeout=30
    )
    assert revoked.status_code == 200, revoked.text
    with pytest.raises(MlflowException, match="401"):
        MlflowClient(stack["url"]).search_experiments()


def auth_token_cli(stack, *args):
    out = subprocess.run(
        ["npm", "exec", "--", "node", "scripts/auth-token.mjs", *args],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": stack["databaseUrl"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_bearer_token_issued_by_cli(stack, monkeypatch, tmp_path):
    job = f"ci-{uuid.uuid4().hex[:8]}"
    token = auth_token_cli(stack, "create", "--user", job, "--name", "nightly", "--expires-days", "7")
    assert token.startswith("mlft_")
    use_token(monkeypatch, token)
    tracking_flow(stack["url"], tmp_path)
    listed = auth_token_cli(stack, "list", "--user", job)
    assert token not in listed and "active" in listed
    token_id = listed.split("\t")[0]
    auth_token_cli(stack, "revoke", token_id)
    with pytest.raises(MlflowException, match="401"):
        MlflowClient(stack["url"]).search_experiments()


def test_auth_service_client_manages_users_and_permissions(stack, monkeypatch):
    alice, alice_pw = new_user(stack, monkeypatch)
    bob, bob_pw = new_user(stack, monkeypatch)

    use_basic(monkeypatch, alice, alice_pw)
    exp_id = MlflowClient(stack["url"]).create_experiment(f"alice-{uuid.uuid4().hex[:8]}")
    run_id = MlflowClient(stack["url"]).create_run(exp_id).info.run_id
    alice_admin = get_app_client("basic-auth", stack["url"])
    # the creator manages her experiment: she can check and grant access to it
    assert alice_admin.get_user_permission(bob, "experiment", exp_id).permission == "READ"  # the default

    use_basic(monkeypatch, bob, bob_pw)
    bob_client = MlflowClient(stack["url"])
    assert bob_client.get_run(run_id).info.run_id == run_id  # READ by default
    with pytest.raises(MlflowException, match="403"):
        bob_client.log_metric(run_id, "m", 1.0)
    with pytest.raises(MlflowException, match="403"):
        get_app_client("basic-auth", stack["url"]).grant_user_permission(bob, "experiment", exp_id, "MANAGE")

    use_basic(monkeypatch, alice, alice_pw)
    alice_admin.grant_user_permission(bob, "experiment", exp_id, "EDIT")
    result = alice_admin.get_user_permission(bob, "experiment", exp_id)
    assert (result.allowed, result.permission) == (True, "EDIT")

    use_basic(monkeypatch, bob, bob_pw)
    bob_client.log_metric(run_id, "m", 1.0)
    with pytest.raises(MlflowException, match="403"):
        bob_client.delete_run(run_id)  # EDIT cannot delete

    use_basic(monkeypatch, alice, alice_pw)
    alice_admin.revoke_user_permission(bob, "experiment", exp_id)
    use_basic(monkeypatch, bob, bob_pw)
    with pytest.raises(MlflowException, match="403"):
        bob_client.log_metric(run_id, "m", 2.0)

    # the admin side of AuthServiceClient
    use_basic(monkeypatch, *admin_auth(stack))
    root = get_app_client("basic-auth", stack["url"])
    assert root.get_user(bob).username == bob
    root.update_user_admin(bob, True)
    assert root.get_user(bob).is_admin is True
    root.update_user_password(bob, "a-new-long-password")
    use_basic(monkeypatch, bob, "a-new-long-password")
    bob_client.delete_run(run_id)  # admins pass every check
    use_basic(monkeypatch, *admin_auth(stack))
    root.delete_user(bob)
    with pytest.raises(MlflowException):
        root.get_user(bob)
    use_basic(monkeypatch, bob, "a-new-long-password")
    with pytest.raises(MlflowException, match="401"):
        bob_client.search_experiments()


def pip_install(*args):
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *args], check=True, timeout=300)


@pytest.fixture(scope="module", autouse=True)
def client_extras():
    """What a user of these features installs next to mlflow: `mlflow[auth]`'s Flask-WTF (imported
    by get_app_client("basic-auth")) and plugins/mlflow-cf-access. Installed here if missing, so the
    suite runs from a fresh clone."""
    try:
        import flask_wtf  # noqa: F401
    except ImportError:
        pip_install("flask-wtf")
    if not any(e.name == "cf_access" for e in entry_points(group="mlflow.request_header_provider")):
        pip_install("--no-deps", "-e", str(REPO / "plugins/mlflow-cf-access"))
        pytest.fail("installed plugins/mlflow-cf-access; mlflow loads header plugins at import, so run the suite again")


@pytest.fixture()
def header_plugin():
    from mlflow.tracking.request_header.registry import _request_header_provider_registry

    names = [type(p).__name__ for p in _request_header_provider_registry]
    assert "CloudflareAccessHeaderProvider" in names


def test_header_plugin_through_cloudflare_access(stack, header_plugin, monkeypatch, tmp_path):
    url = stack["accessUrl"]
    # Without the service token, "Access" answers with its login page and the client cannot parse it.
    with pytest.raises(MlflowException):
        MlflowClient(url).search_experiments()
    monkeypatch.setenv("CF_ACCESS_CLIENT_ID", stack["serviceToken"]["id"])
    monkeypatch.setenv("CF_ACCESS_CLIENT_SECRET", "wrong-" + stack["serviceToken"]["secret"])
    with pytest.raises(MlflowException):
        MlflowClient(url).search_experiments()
    monkeypatch.setenv("CF_ACCESS_CLIENT_SECRET", stack["serviceToken"]["secret"])
    exp_id, run_id = tracking_flow(url, tmp_path)
    # The Worker identified the job by the service token's client id (from the verified JWT); as the
    # experiment's creator it holds MANAGE.
    use_basic(monkeypatch, *admin_auth(stack))
    monkeypatch.delenv("CF_ACCESS_CLIENT_ID")
    monkeypatch.delenv("CF_ACCESS_CLIENT_SECRET")
    check = get_app_client("basic-auth", stack["url"]).get_user_permission(stack["serviceToken"]["id"], "experiment", exp_id)
    assert check.permission == "MANAGE"


def test_get_with_a_json_body_is_authorized_on_what_it_reads(stack, monkeypatch):
    """A GET may carry a JSON body (MLflow reads it when there is no query string); the permission
    check reads the same decoded body as the handler, aliases included (issue 11, finding 1)."""
    alice, alice_pw = new_user(stack, monkeypatch)
    bob, bob_pw = new_user(stack, monkeypatch)
    url = stack["url"]
    as_alice, as_bob = (alice, alice_pw), (bob, bob_pw)
    # Alice's experiment C, not readable by bob once she denies him; bob's own experiment B.
    exp_c = requests.post(f"{url}/api/2.0/mlflow/experiments/create", json={"name": f"c-{uuid.uuid4().hex[:8]}"}, auth=as_alice).json()["experiment_id"]
    requests.post(
        f"{url}/api/2.0/mlflow/experiments/permissions/create",
        json={"experiment_id": exp_c, "username": bob, "permission": "NO_PERMISSIONS"},
        auth=as_alice,
    ).raise_for_status()
    run_c = requests.post(f"{url}/api/2.0/mlflow/runs/create", json={"experiment_id": exp_c}, auth=as_alice).json()["run"]["info"]["run_id"]
    requests.post(f"{url}/api/2.0/mlflow/runs/log-parameter", json={"run_id": run_c, "key": "secret", "value": "s3cr3t"}, auth=as_alice).raise_for_status()
    exp_b = requests.post(f"{url}/api/2.0/mlflow/experiments/create", json={"name": f"b-{uuid.uuid4().hex[:8]}"}, auth=as_bob).json()["experiment_id"]
    run_b = requests.post(f"{url}/api/2.0/mlflow/runs/create", json={"experiment_id": exp_b}, auth=as_bob).json()["run"]["info"]["run_id"]

    for rpc in ["runs/get", "artifacts/list", "metrics/get-history"]:
        res = requests.get(f"{url}/api/2.0/mlflow/{rpc}", json={"run_uuid": run_b, "runId": run_c, "metric_key": "m"}, auth=as_bob)
        assert (rpc, res.status_code) == (rpc, 403), res.text
        assert "s3cr3t" not in res.text
    res = requests.get(f"{url}/api/2.0/mlflow/metrics/get-history-bulk-interval", json={"run_ids": [run_b, run_c], "metric_key": "m"}, auth=as_bob)
    assert res.status_code == 403
    # run_ids is required, and MLflow reads required fields by their snake_case name only.
    res = requests.get(f"{url}/api/2.0/mlflow/metrics/get-history-bulk-interval", json={"runIds": [run_c], "metric_key": "m"}, auth=as_bob)
    assert res.status_code == 400 and "run_ids" in res.json()["message"]
    # Both spellings of one field are refused, as MLflow 3.18 does.
    res = requests.get(f"{url}/api/2.0/mlflow/runs/get", json={"run_id": run_b, "runId": run_c}, auth=as_bob)
    assert res.status_code == 400 and "provide only one of them" in res.json()["message"]
    # And bob's own run reads fine through the legacy spelling.
    res = requests.get(f"{url}/api/2.0/mlflow/runs/get", json={"run_uuid": run_b}, auth=as_bob)
    assert res.status_code == 200 and res.json()["run"]["info"]["run_id"] == run_b
