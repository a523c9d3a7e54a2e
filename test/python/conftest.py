"""Shared fixtures for the compatibility suites.

Every test takes the ``server`` fixture, parametrised over ``reference`` (MLflow 3.18's own
``mlflow server`` on a fresh Postgres database, started here for the session) and ``edge`` (our
Worker, already running at ``EDGE_MLFLOW_URL``). A test therefore states one behaviour and proves
it on both servers. While our server does not exist yet, run ``-k reference``; in the full suite an
unreachable edge server is a failure, never a skip.

Environment:
  EDGE_MLFLOW_URL           our server (default http://127.0.0.1:8787)
  EDGE_MLFLOW_DATABASE_URL  the Postgres database our server uses (test_reference_reads_our_db.py)
  MLFLOW_REF_PG_URL         admin URL of the Postgres the reference server gets a fresh database in
                            (default postgresql://postgres:postgres@127.0.0.1:5432/postgres)
  MLFLOW3_BIN               the `mlflow` CLI of the 3.18 venv (default .venv/mlflow3/bin/mlflow)
  EDGE_MLFLOW_S3_*          the local S3 store our server uses (ENDPOINT, BUCKET, REGION, ACCESS_KEY_ID,
                            SECRET_ACCESS_KEY); default `npm run dev`'s store on 127.0.0.1:4569
"""

from __future__ import annotations

import os

# Fail fast: the client's default is 7 retries with exponential backoff and a 120 s timeout, so a
# 5xx would otherwise stall a test for minutes. Must be set before mlflow reads them.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
# Keep the client quiet and local: no telemetry, no git lookups that differ between machines.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

# The local S3 store behind our server (scripts/with-stack.mjs passes its settings; the defaults are
# `npm run dev`'s). s3:// artifact roots in it are reached with boto3 by this client and by the
# reference server (which inherits this environment), so both servers' presigned URLs point there.
# Set unconditionally: the suites must never reach a real AWS account.
S3_ENDPOINT = os.environ.get("EDGE_MLFLOW_S3_ENDPOINT", "http://127.0.0.1:4569").rstrip("/")
S3_BUCKET = os.environ.get("EDGE_MLFLOW_S3_BUCKET", "mlflow-artifacts")
os.environ["MLFLOW_S3_ENDPOINT_URL"] = S3_ENDPOINT
os.environ["AWS_ACCESS_KEY_ID"] = os.environ.get("EDGE_MLFLOW_S3_ACCESS_KEY_ID", "S3RVER")
os.environ["AWS_SECRET_ACCESS_KEY"] = os.environ.get("EDGE_MLFLOW_S3_SECRET_ACCESS_KEY", "S3RVER")
os.environ["AWS_DEFAULT_REGION"] = os.environ.get("EDGE_MLFLOW_S3_REGION", "us-east-1")
for _unset in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_unset, None)

import contextlib  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import math  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
MLFLOW3_BIN = os.environ.get("MLFLOW3_BIN", str(REPO / ".venv/mlflow3/bin/mlflow"))
MLFLOW3_PYTHON = str(Path(MLFLOW3_BIN).parent / "python")
PG_ADMIN_URL = os.environ.get("MLFLOW_REF_PG_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
EDGE_URL = os.environ.get("EDGE_MLFLOW_URL", "http://127.0.0.1:8787").rstrip("/")
SERVER_NAMES = ["reference", "edge"]


@dataclass
class Server:
    """One MLflow-compatible tracking server under test."""

    name: str
    url: str
    db_url: str | None = None
    extra: dict = field(default_factory=dict)

    def api(self, path: str) -> str:
        return self.url + path

    def __repr__(self) -> str:  # shows up in assertion output
        return f"Server({self.name} @ {self.url})"


# --------------------------------------------------------------------------------------------
# Postgres helpers. Run through the 3.18 venv's python so they work from the 2.x venv too (it has
# no Postgres driver).


def pg_admin(sql: str, url: str = PG_ADMIN_URL) -> None:
    """Run one statement with autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(sys.argv[2])\n"
    )
    subprocess.run([MLFLOW3_PYTHON, "-c", code, to_libpq_url(url), sql], check=True, timeout=60)


def to_libpq_url(url: str) -> str:
    """postgresql+psycopg2://… and postgres://… → postgresql://… (what libpq accepts)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql",) + tuple(parts)[1:])


def to_sqlalchemy_url(url: str) -> str:
    """postgres://… → postgresql://… (SQLAlchemy rejects the short scheme)."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return urlunsplit((scheme,) + tuple(parts)[1:])


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout: float, log: Path | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            if requests.get(url + "/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise RuntimeError(f"server at {url} did not become healthy within {timeout}s\n{tail}")


class ReferenceProcess:
    """`mlflow server` (3.18, uvicorn, one worker) on a Postgres database, in its own process group."""

    def __init__(self, backend_uri: str, artifacts_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = dict(os.environ)
        env.pop("MLFLOW_TRACKING_URI", None)
        env["MLFLOW_DISABLE_TELEMETRY"] = "true"
        # The background job runner (GenAI scorers, periodic tasks) forks several processes and
        # has nothing to do with tracking; on a 2-core machine it doubles start-up time.
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
        # Webhooks: the suites' receivers listen on loopback (MLflow's settings for local
        # development), and a webhook created by a test must fire at once (no listing cache).
        env.setdefault("MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS", "true")
        env.setdefault("MLFLOW_WEBHOOK_ALLOWED_SCHEMES", "http,https")
        env.setdefault("MLFLOW_WEBHOOK_CACHE_TTL", "0")
        cmd = [
            MLFLOW3_BIN, "server",
            "--backend-store-uri", backend_uri,
            "--artifacts-destination", str(artifacts_dir),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--workers", "1",
        ]
        self._log_fh = open(log, "ab")
        self.proc = subprocess.Popen(
            cmd, stdout=self._log_fh, stderr=subprocess.STDOUT, env=env, cwd=str(artifacts_dir),
            start_new_session=True,
        )
        try:
            wait_healthy(self.url, self.proc, timeout=180, log=log)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        import signal

        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log_fh.close()


# --------------------------------------------------------------------------------------------
# Session fixtures


@pytest.fixture(scope="session")
def session_tmp():
    d = Path(tempfile.mkdtemp(prefix="mlflow-compat-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def reference_server(session_tmp) -> Server:
    """MLflow 3.18 on a fresh Postgres database, dropped at the end of the session."""
    dbname = f"mlflow_ref_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    pg_admin(f'CREATE DATABASE "{dbname}"')
    db_url = with_database(to_sqlalchemy_url(PG_ADMIN_URL), dbname)
    artifacts = session_tmp / "ref-artifacts"
    artifacts.mkdir()
    proc = None
    try:
        proc = ReferenceProcess(db_url, artifacts, session_tmp / "reference-server.log")
        yield Server("reference", proc.url, db_url, {"artifacts": artifacts, "log": proc.log})
    finally:
        if proc is not None:
            proc.stop()
        try:
            pg_admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        except Exception as e:  # teardown must not mask the test result
            print(f"warning: could not drop {dbname}: {e}", file=sys.stderr)


@pytest.fixture(scope="session")
def edge_server() -> Server:
    """Our server, started elsewhere. Unreachable → the test FAILS (this is what we are proving)."""
    try:
        r = requests.get(EDGE_URL + "/health", timeout=5)
    except requests.RequestException as e:
        pytest.fail(f"edge server not reachable at EDGE_MLFLOW_URL={EDGE_URL}: {e}", pytrace=False)
    if r.status_code != 200:
        pytest.fail(f"edge server at {EDGE_URL} answered /health with {r.status_code}", pytrace=False)
    return Server("edge", EDGE_URL, os.environ.get("EDGE_MLFLOW_DATABASE_URL"))


@pytest.fixture(params=SERVER_NAMES)
def server(request) -> Server:
    """The server under test; every test using it runs once per server."""
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def reference(reference_server) -> Server:
    """The reference, for tests that compare the server under test with it."""
    return reference_server


# --------------------------------------------------------------------------------------------
# Per-test client helpers


@pytest.fixture
def tracking(server):
    """Points the fluent API at the server under test and leaves no active run behind."""
    import mlflow

    previous = mlflow.get_tracking_uri() if hasattr(mlflow, "get_tracking_uri") else None
    mlflow.set_tracking_uri(server.url)
    yield server
    while mlflow.active_run() is not None:
        mlflow.end_run()
    # Forget the active experiment so one test's set_experiment does not leak into the next.
    try:
        from mlflow.tracking import fluent

        fluent._active_experiment_id = None
    except Exception:
        pass
    if previous:
        mlflow.set_tracking_uri(previous)


@pytest.fixture
def client(server):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=server.url)


def client_for(server: Server):
    from mlflow.tracking import MlflowClient

    # The registry too: a registry URI left set globally (mlflow.set_registry_uri) must not send
    # this client's registry calls to another server.
    return MlflowClient(tracking_uri=server.url, registry_uri=server.url)


def norm_value(v):
    return "NaN" if isinstance(v, float) and math.isnan(v) else v


def run_snapshot(client, run_id: str, *, names: dict | None = None) -> dict:
    """A comparable view of a run: everything but ids, times and generated names."""
    run = client.get_run(run_id)
    info = run.info
    # Not the experiment id: short numbers like "1" also occur as ordinary tag values.
    subs = {run_id: "<run_id>", info.run_name: "<run_name>", **(names or {})}

    def s(x):
        # Whole values only: ids and generated names never appear inside the values we log.
        return subs.get(x, x) if isinstance(x, str) else x

    artifact_uri = info.artifact_uri.replace(f"/{info.experiment_id}/{run_id}/", "/<exp_id>/<run_id>/")
    return {
        "info": {
            "status": info.status,
            "lifecycle_stage": info.lifecycle_stage,
            "user_id": info.user_id,
            "has_end_time": info.end_time is not None,
            "artifact_uri": artifact_uri,
            "run_name": s(info.run_name),
        },
        "metrics": {k: norm_value(v) for k, v in run.data.metrics.items()},
        "params": dict(run.data.params),
        # Source tags depend on the process that ran the flow (same process for both servers).
        "tags": {k: s(v) for k, v in run.data.tags.items()},
        "inputs": sorted(
            (d.dataset.name, d.dataset.digest, d.dataset.source_type, tuple(sorted((t.key, t.value) for t in d.tags)))
            for d in (run.inputs.dataset_inputs if run.inputs else [])
        ),
    }


def unique_name(prefix: str = "exp") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def exp_name(request) -> str:
    """A name no other test (or earlier session on a persistent edge DB) has used."""
    base = request.node.originalname.replace("test_", "")[:40]
    return unique_name(base)


# The 2.x client suite runs under .venv/mlflow2 (scripts/test-python.sh); the rest needs 3.x.
try:
    import mlflow as _mlflow

    _MAJOR = int(_mlflow.__version__.split(".")[0])
except Exception:  # pragma: no cover
    _MAJOR = 3
if _MAJOR >= 3:
    collect_ignore = ["test_mlflow2_client.py"]
else:
    collect_ignore = [
        "test_tracking_client.py", "test_differential.py", "test_reference_reads_our_db.py",
    ]


@contextlib.contextmanager
def fluent(server):
    """The fluent API and registry bound to one server, with no active run or experiment left behind,
    and the registry URI as it was before (set_registry_uri is global, env var included)."""
    import mlflow
    from mlflow.tracking import fluent as fl
    from mlflow.tracking._model_registry import utils as registry_utils

    previous_registry = (registry_utils._registry_uri, os.environ.get("MLFLOW_REGISTRY_URI"))
    mlflow.set_tracking_uri(server.url)
    mlflow.set_registry_uri(server.url)
    fl._active_experiment_id = None
    try:
        yield
    finally:
        while mlflow.active_run() is not None:
            mlflow.end_run()
        fl._active_experiment_id = None
        registry_utils._registry_uri = previous_registry[0]
        if previous_registry[1] is None:
            os.environ.pop("MLFLOW_REGISTRY_URI", None)
        else:
            os.environ["MLFLOW_REGISTRY_URI"] = previous_registry[1]


def on_both(server, reference, flow):
    """Runs ``flow(server)``; on the edge also on the reference, and requires equal results."""
    result = flow(server)
    if server.name != "reference":
        expected = flow(reference)
        from differential import diff_text

        assert result == expected, "edge differs from reference:\n  " + "\n  ".join(diff_text(expected, result)[:40])
    return result


_REFERENCE_RESULTS: dict = {}


def on_both_once(server, reference, flow, *args):
    """Like ``on_both``, but the reference runs each flow once: its result, from the reference's own
    parametrisation or computed on demand, is kept under the flow's qualified name and ``args``, so a
    flow must not depend on anything else that differs between test cases."""
    key = (flow.__qualname__, args)
    result = flow(server, *args)
    if server.name == "reference":
        _REFERENCE_RESULTS[key] = result
        return result
    if key not in _REFERENCE_RESULTS:
        _REFERENCE_RESULTS[key] = flow(reference, *args)
    expected = _REFERENCE_RESULTS[key]
    if result != expected:
        from differential import diff_text

        raise AssertionError("edge differs from reference:\n  " + "\n  ".join(diff_text(expected, result)[:60]))
    return result
