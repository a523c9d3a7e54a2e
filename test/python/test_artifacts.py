"""Artifacts end to end with the official MLflow client.

Two kinds of tests:
- the client's whole artifact surface side by side with the reference server (``server`` runs
  each flow on both, the edge's answers must equal the reference's): folders that hold only
  subfolders, empty files, unicode and spaces in names, ``log_artifacts`` of a deep tree,
  ``download_artifacts`` of a run and of a subfolder, ``list_artifacts`` at every level,
  ``delete_artifacts``, a logged model's artifacts, a 2,500-file folder, s3:// roots reached
  with boto3, and the presigned RPCs for such roots;
- what only our server does (``edge``): multipart uploads straight to the bucket, presigned
  ranged downloads, and uploads that stay atomic when the client disconnects mid-body.
Run: `npm exec -- node scripts/with-stack.mjs -- .venv/mlflow3/bin/python -m pytest test/python/test_artifacts.py`
(or against `npm run dev` with EDGE_MLFLOW_URL). EDGE_ARTIFACT_BIG_MB sets the size of the large
multipart round trip (default 300).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conftest import S3_BUCKET, S3_ENDPOINT, client_for, fluent, on_both, unique_name

BIG_MB = int(os.environ.get("EDGE_ARTIFACT_BIG_MB", "300"))


@pytest.fixture
def edge(edge_server):
    import mlflow

    mlflow.set_tracking_uri(edge_server.url)
    mlflow.set_experiment(f"artifacts-{os.urandom(4).hex()}")
    yield edge_server
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def calls(monkeypatch):
    """Counts the client's multipart and presigned calls (the real methods still run)."""
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    counts = {"multipart_upload": 0, "presigned_download": 0}

    def counting(name, method):
        def wrapper(self, *args, **kwargs):
            counts[name] += 1
            return method(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(HttpArtifactRepository, "_try_multipart_upload", counting("multipart_upload", HttpArtifactRepository._try_multipart_upload))
    monkeypatch.setattr(
        HttpArtifactRepository, "_get_presigned_download_url", counting("presigned_download", HttpArtifactRepository._get_presigned_download_url)
    )
    return counts


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def random_file(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n
    return path


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def test_server_info_advertises_multipart(edge):
    info = requests.get(edge.url + "/api/3.0/mlflow/server-info", timeout=10).json()
    assert info["multipart_uploads_enabled"] is True
    assert info["multipart_downloads_enabled"] is True
    assert info["artifact_serving_enabled"] is True


def test_log_artifact_list_download(edge, tmp_path):
    import mlflow

    src = tmp_path / "hello world é.txt"
    src.write_text("hello artifacts\n", encoding="utf-8")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src))
        mlflow.log_artifact(str(src), artifact_path="sub dir")
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")

    client = mlflow.MlflowClient()
    top = client.list_artifacts(run.info.run_id)
    assert [(f.path, f.is_dir) for f in top] == [("hello world é.txt", False), ("sub dir", True)]
    assert top[0].file_size == src.stat().st_size
    assert [f.path for f in client.list_artifacts(run.info.run_id, "sub dir")] == ["sub dir/hello world é.txt"]
    # A file path lists as empty.
    assert client.list_artifacts(run.info.run_id, "hello world é.txt") == []

    out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="sub dir/hello world é.txt", dst_path=str(tmp_path / "dl"))
    assert Path(out).read_text(encoding="utf-8") == "hello artifacts\n"


def test_log_artifacts_tree_and_download_directory(edge, tmp_path):
    import mlflow

    src = tmp_path / "tree"
    files = {
        "a.txt": b"a",
        "empty.bin": b"",
        "nested/b.json": b'{"b": 1}',
        "nested/deeper/c (1).csv": b"x,y\n1,2\n",
        "nested/deeper/ünï cødé.md": "# ünïcødé\n".encode(),
        "spaces in dir/d+e.txt": b"plus",
    }
    for rel, data in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(src), artifact_path="tree")
    dst = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="tree", dst_path=str(tmp_path / "dl")))
    assert tree(dst) == tree(src)
    assert (dst / "empty.bin").stat().st_size == 0


def test_log_text_dict_image_and_load(edge, tmp_path):
    import mlflow
    import numpy as np

    with mlflow.start_run() as run:
        mlflow.log_text("some text ✓", "notes/readme.txt")
        mlflow.log_dict({"lr": 0.1, "layers": [1, 2]}, "config/params.json")
        mlflow.log_dict({"k": "v"}, "config/params.yaml")
        mlflow.log_image(np.zeros((8, 8, 3), dtype=np.uint8), "images/black.png")
    run_id = run.info.run_id
    base = run.info.artifact_uri
    assert mlflow.artifacts.load_text(f"{base}/notes/readme.txt") == "some text ✓"
    assert mlflow.artifacts.load_dict(f"{base}/config/params.json") == {"lr": 0.1, "layers": [1, 2]}
    assert mlflow.artifacts.load_dict(f"{base}/config/params.yaml") == {"k": "v"}
    png = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="images/black.png", dst_path=str(tmp_path)))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The UI reads the same bytes through /get-artifact.
    r = requests.get(f"{edge.url}/get-artifact", params={"run_uuid": run_id, "path": "config/params.json"}, timeout=30)
    assert r.status_code == 200
    assert json.loads(r.content) == {"lr": 0.1, "layers": [1, 2]}
    assert r.headers["Content-Disposition"].startswith("attachment")


def test_delete_artifacts(edge, tmp_path):
    import mlflow
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    with mlflow.start_run() as run:
        mlflow.log_text("keep", "keep.txt")
        mlflow.log_text("x", "trash/x.txt")
        mlflow.log_text("y", "trash/more/y.txt")
    repo = get_artifact_repository(run.info.artifact_uri)
    repo.delete_artifacts("trash")
    assert [f.path for f in mlflow.MlflowClient().list_artifacts(run.info.run_id)] == ["keep.txt"]


def test_large_file_single_put_and_presigned_download(edge, tmp_path, calls):
    """> 10 MB through the Worker as one streamed PUT; the download goes through presigned URLs."""
    import mlflow

    src = random_file(tmp_path / "big" / "weights.bin", 12 * 1024 * 1024 + 7)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src))
    assert calls["multipart_upload"] == 0  # under the client's default 500 MiB threshold
    out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="weights.bin", dst_path=str(tmp_path / "dl")))
    assert calls["presigned_download"] >= 1
    assert sha256(out) == sha256(src)


def test_forced_multipart_upload(edge, tmp_path, calls, monkeypatch):
    """MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD with a small threshold: parts go straight to storage."""
    import mlflow

    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1024 * 1024))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * 1024 * 1024))
    src = random_file(tmp_path / "mp" / "model.safetensors", 11 * 1024 * 1024 + 3)
    small = tmp_path / "mp" / "small.txt"
    small.write_text("under the threshold")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src), artifact_path="model")
        mlflow.log_artifact(str(small), artifact_path="model")
    assert calls["multipart_upload"] == 1
    files = {f.path: f.file_size for f in mlflow.MlflowClient().list_artifacts(run.info.run_id, "model")}
    assert files == {"model/model.safetensors": src.stat().st_size, "model/small.txt": small.stat().st_size}
    out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="model/model.safetensors", dst_path=str(tmp_path / "dl")))
    assert sha256(out) == sha256(src)


def test_big_file_multipart_round_trip(edge, tmp_path, calls, monkeypatch):
    """A file far over the Workers body limit, with only the threshold setting users need."""
    import mlflow

    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(min(90, BIG_MB) * 1024 * 1024))
    src = random_file(tmp_path / "huge" / "checkpoint.pt", BIG_MB * 1024 * 1024)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(src))
    assert calls["multipart_upload"] == 1  # enabled by server-info, no MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD
    out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="checkpoint.pt", dst_path=str(tmp_path / "dl")))
    assert out.stat().st_size == src.stat().st_size
    assert sha256(out) == sha256(src)


def test_traversal_is_rejected(edge):
    import mlflow

    with mlflow.start_run() as run:
        mlflow.log_text("x", "x.txt")
    for path in ["../x.txt", "..%2fx.txt", "/etc/passwd", "a\\..\\b", "file:///etc/passwd"]:
        r = requests.get(f"{edge.url}/get-artifact", params={"run_uuid": run.info.run_id, "path": path}, timeout=10)
        assert r.status_code == 400, path
        assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = requests.put(f"{edge.url}/api/2.0/mlflow-artifacts/artifacts/..%2f..%2fescape.txt", data=b"x", timeout=10)
    assert r.status_code == 400


# ------------------------------------------------------------------------------------------
# The client's artifact surface, side by side with the reference


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def walk(client, run_id: str, path: str | None = None) -> list[tuple]:
    """Every entry under ``path``, each folder listed by its own ``list_artifacts`` call."""
    out = []
    for f in client.list_artifacts(run_id, path):
        out.append((f.path, f.is_dir, f.file_size))
        if f.is_dir:
            out.extend(walk(client, run_id, f.path))
    return out


DEEP_TREE = {
    "a.txt": b"a",
    "empty.bin": b"",
    # `only` and `only/sub` hold nothing but folders.
    "only/sub/folders/deep.txt": b"deep",
    "only/sub/other/empty.txt": b"",
    "spaces in dir/d+e (1).txt": b"plus",
    "\u00fcn\u00ef c\u00f8d\u00e9/\u65e5\u672c\u8a9e \u30d5\u30a1\u30a4\u30eb.md": "# \u00fcn\u00efc\u00f8d\u00e9\n".encode(),
    "x/y/z/w/v/leaf.json": b'{"k": 1}',
    "trash/t1.txt": b"1",
    "trash/inner/t2.txt": b"22",
}


def test_folder_holding_only_subfolders_is_listed_and_downloaded(server, reference, tmp_path):
    """The issue's example: log_artifact into nested/path, then list and download the run."""
    import mlflow

    def flow(srv):
        src = tmp_path / srv.name / "a.txt"
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text("alpha")
        with fluent(srv):
            mlflow.set_experiment(unique_name("nested"))
            with mlflow.start_run() as run:
                mlflow.log_artifact(str(src), artifact_path="nested/path")
            run_id = run.info.run_id
            client = client_for(srv)
            top = [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id)]
            out = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / srv.name / "dl"))
        return {"top": top, "all": walk(client, run_id), "downloaded": tree(Path(out))}

    snap = on_both(server, reference, flow)
    assert snap["top"] == [("nested", True, None)]
    assert snap["all"] == [("nested", True, None), ("nested/path", True, None), ("nested/path/a.txt", False, 5)]
    assert list(snap["downloaded"]) == ["nested/path/a.txt"]


def test_deep_tree_log_list_download_delete(server, reference, tmp_path):
    import mlflow
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    def flow(srv):
        src = write_tree(tmp_path / srv.name / "src", DEEP_TREE)
        with fluent(srv):
            mlflow.set_experiment(unique_name("tree"))
            with mlflow.start_run() as run:
                mlflow.log_artifacts(str(src), artifact_path="tree")
                mlflow.log_artifact(str(src / "a.txt"))
            run_id = run.info.run_id
            client = client_for(srv)
            listed = walk(client, run_id)
            fluent_listing = [(f.path, f.is_dir) for f in mlflow.artifacts.list_artifacts(run_id=run_id, artifact_path="tree/only")]
            whole = tree(Path(mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / srv.name / "all"))))
            sub = tree(Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="tree/only", dst_path=str(tmp_path / srv.name / "sub"))))
            one = Path(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="tree/spaces in dir/d+e (1).txt", dst_path=str(tmp_path / srv.name / "one")))
            text = mlflow.artifacts.load_text(f"{run.info.artifact_uri}/tree/\u00fcn\u00ef c\u00f8d\u00e9/\u65e5\u672c\u8a9e \u30d5\u30a1\u30a4\u30eb.md")
            a_file = client.list_artifacts(run_id, "tree/a.txt")
            get_artifact_repository(run.info.artifact_uri).delete_artifacts("tree/trash")
            after_delete = walk(client, run_id, "tree")
        return {
            "listed": listed,
            "fluent": fluent_listing,
            "whole": whole,
            "sub": sub,
            "one": (one.name, one.read_bytes()),
            "text": text,
            "file_lists_as": a_file,
            "after_delete": after_delete,
        }

    snap = on_both(server, reference, flow)
    expected = {f"tree/{k}": hashlib.sha256(v).hexdigest() for k, v in DEEP_TREE.items()}
    expected["a.txt"] = hashlib.sha256(b"a").hexdigest()
    assert snap["whole"] == dict(sorted(expected.items()))
    assert set(snap["sub"]) == {"sub/folders/deep.txt", "sub/other/empty.txt"}
    assert snap["fluent"] == [("tree/only/sub", True)]
    # Protobuf JSON leaves out a zero size: the client reads it as None.
    assert ("tree/empty.bin", False, None) in snap["listed"]
    assert snap["one"] == ("d+e (1).txt", b"plus")
    assert snap["file_lists_as"] == []
    assert not any(p.startswith("tree/trash") for p, _, _ in snap["after_delete"])


def test_logged_model_artifacts(server, reference, tmp_path):
    import mlflow

    class Model(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input

    def flow(srv):
        with fluent(srv):
            mlflow.set_experiment(unique_name("lm-artifacts"))
            with mlflow.start_run():
                info = mlflow.pyfunc.log_model(name="model", python_model=Model())
            client = client_for(srv)
            listed = sorted((f.path, f.is_dir) for f in client.list_logged_model_artifacts(info.model_id))
            out = Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{info.model_id}", dst_path=str(tmp_path / srv.name)))
            mlmodel = (out / "MLmodel").read_text()
        return {"listed": listed, "downloaded": sorted(tree(out)), "mlmodel_has_model_id": info.model_id in mlmodel}

    snap = on_both(server, reference, flow)
    assert ("MLmodel", False) in snap["listed"]
    assert "python_model.pkl" in snap["downloaded"]
    assert snap["mlmodel_has_model_id"]


# On the edge it runs the reference's flow too; a separate reference-only run would repeat it.
@pytest.mark.parametrize("server", ["edge"], indirect=True)
def test_folder_of_2500_files(server, reference, tmp_path):
    """More than one S3 listing page (1,000 keys) in one folder, through the client."""
    from concurrent.futures import ThreadPoolExecutor

    import mlflow
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

    names = [f"f{i:04d}.txt" for i in range(2500)]

    def flow(srv):
        src = tmp_path / srv.name / "many"
        src.mkdir(parents=True)
        for name in names:
            (src / name).write_text(name)
        with fluent(srv):
            client = client_for(srv)
            run = client.create_run(client.create_experiment(unique_name("many")))
            # log_artifacts sends one file after another; the run's artifact repository (what it
            # uses) from eight threads fills the folder faster.
            repo = get_artifact_repository(run.info.artifact_uri)
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda name: repo.log_artifact(str(src / name), "many"), names))
            listed = [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run.info.run_id, "many")]
            top = [(f.path, f.is_dir) for f in client.list_artifacts(run.info.run_id)]
            out = Path(mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="many", dst_path=str(tmp_path / srv.name / "dl")))
        return {"listed": listed, "top": top, "downloaded": tree(out)}

    snap = on_both(server, reference, flow)
    assert snap["listed"] == [(f"many/{n}", False, 9) for n in names]
    assert snap["top"] == [("many", True)]
    assert len(snap["downloaded"]) == 2500


# ------------------------------------------------------------------------------------------
# s3:// roots (what SERVE_ARTIFACTS=false gives runs): the client writes with boto3 straight to the
# local store, and both servers sign presigned URLs into it.


def direct_experiment(srv) -> tuple[str, str]:
    """An experiment whose artifact location is an s3:// folder of the local store, per server."""
    from mlflow.tracking import MlflowClient

    location = f"s3://{S3_BUCKET}/{srv.name}-direct-{uuid.uuid4().hex[:12]}"
    exp = MlflowClient(tracking_uri=srv.url).create_experiment(unique_name("direct"), artifact_location=location)
    return exp, location


def rest(srv, method: str, path: str, **kwargs) -> tuple[int, dict]:
    r = requests.request(method, srv.url + path, timeout=60, **kwargs)
    try:
        body = r.json()
    except ValueError:
        body = {"text": r.text}
    return r.status_code, body


def url_view(url: str, root: str) -> dict:
    """A presigned URL without what is per-server or per-moment: the key below the run's root and
    the signing parameters' names."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    key = parts.path.split("/", 2)[2]
    return {
        "endpoint": f"{parts.scheme}://{parts.netloc}",
        "key_below_root": key.split(root.split(f"s3://{S3_BUCKET}/", 1)[1] + "/", 1)[1],
        "expires": query.get("X-Amz-Expires"),
        "signed_headers": query.get("X-Amz-SignedHeaders"),
        "algorithm": query.get("X-Amz-Algorithm"),
    }


def test_s3_roots_through_boto3_and_each_servers_listing(server, reference, tmp_path):
    import mlflow

    def flow(srv):
        src = write_tree(tmp_path / srv.name / "src", DEEP_TREE)
        big = tmp_path / srv.name / "big.bin"
        big.write_bytes(b"0123456789abcdef" * (1 << 16) * 20 + b"tail!")  # 20 MiB: boto3 sends 8 MiB parts
        exp, location = direct_experiment(srv)
        with fluent(srv):
            mlflow.set_experiment(experiment_id=exp)
            with mlflow.start_run() as run:
                mlflow.log_artifacts(str(src), artifact_path="tree")
                mlflow.log_artifact(str(big), artifact_path="weights")
            run_id = run.info.run_id
            client = client_for(srv)
            by_boto3 = walk(client, run_id)
            out = Path(mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=str(tmp_path / srv.name / "dl")))
        # The server's own listing of an s3:// root (the UI's artifact browser uses it).
        status, listed = rest(srv, "GET", "/api/2.0/mlflow/artifacts/list", params={"run_id": run_id, "path": "tree/only/sub"})
        listed["root_uri"] = listed["root_uri"].replace(run.info.artifact_uri, "<root>")
        return {"by_boto3": by_boto3, "downloaded": tree(out), "big_ok": sha256(out / "weights" / "big.bin") == sha256(big), "server_listing": (status, listed)}

    snap = on_both(server, reference, flow)
    assert snap["big_ok"]
    assert snap["server_listing"] == (200, {"root_uri": "<root>", "files": [{"path": "tree/only/sub/folders", "is_dir": True}, {"path": "tree/only/sub/other", "is_dir": True}]})
    assert len(snap["downloaded"]) == len(DEEP_TREE) + 1


def test_presigned_upload_and_download_urls(server, reference):
    def flow(srv):
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=srv.url)
        exp, _ = direct_experiment(srv)
        run = client.create_run(exp)
        run_id, root = run.info.run_id, run.info.artifact_uri
        api = "/api/2.0/mlflow/artifacts"
        up_status, up = rest(srv, "POST", f"{api}/presigned-upload-url", json={"run_id": run_id, "path": "models/config.json"})
        put = requests.put(up["presigned_url"], data=b'{"lr": 0.1}', headers=up["headers"], timeout=30)
        wrong_type = requests.put(up["presigned_url"], data=b"{}", headers={"Content-Type": "text/html"}, timeout=30)
        down_status, down = rest(srv, "POST", f"{api}/presigned-download-url", json={"run_id": run_id, "path": "models/config.json", "expiration": 60})
        got = requests.get(down["presigned_url"], headers={"Range": "bytes=1-4"}, timeout=30)
        model = client.create_logged_model(exp)
        lm_status, lm = rest(srv, "POST", f"{api}/presigned-upload-url", json={"model_id": model.model_id, "path": "MLmodel"})
        lm_put = requests.put(lm["presigned_url"], data=b"flavors: {}", headers=lm["headers"], timeout=30)
        proxied_run = client.create_run(client.create_experiment(unique_name("proxied"))).info.run_id

        def error(path, body):
            status, answer = rest(srv, "POST", f"{api}/{path}", json=body)
            return status, answer.get("error_code"), answer.get("message", "")[:160]

        return {
            "upload": (up_status, sorted(up), up["headers"], url_view(up["presigned_url"], root)),
            "put": (put.status_code, wrong_type.status_code),
            "download": (down_status, sorted(down), down.get("headers", {}), down.get("file_size"), url_view(down["presigned_url"], root)),
            "got": (got.status_code, got.content, got.headers.get("Content-Disposition")),
            "logged_model_upload": (lm_status, lm["headers"], lm_put.status_code),
            "errors": [
                error("presigned-upload-url", {"path": "a.txt"}),
                error("presigned-upload-url", {"run_id": run_id, "model_id": model.model_id, "path": "a.txt"}),
                error("presigned-upload-url", {"run_id": proxied_run, "path": "a.txt"}),
                error("presigned-upload-url", {"run_id": "0" * 32, "path": "a.txt"})[:2],
                error("presigned-download-url", {"run_id": proxied_run, "path": "a.txt"}),
                error("presigned-download-url", {"run_id": run_id, "path": "models/config.json", "expiration": 0}),
                error("presigned-download-url", {"run_id": run_id, "path": "missing.txt"})[:2],
                error("presigned-download-url", {"run_id": run_id, "path": "models"})[:2],
            ],
            "content_types": [
                rest(srv, "POST", f"{api}/presigned-upload-url", json={"run_id": run_id, "path": name})[1]["headers"]
                for name in ["a.txt", "b.png", "c.csv", "weights.pkl", "d.bin", "e.tar.gz"]
            ],
        }

    snap = on_both(server, reference, flow)
    assert snap["upload"][0] == 200 and snap["upload"][2] == {"Content-Type": "application/json"}
    assert snap["put"] == (200, 403)
    assert snap["download"][3] == 11
    assert snap["got"][:2] == (206, b'"lr"')
    assert snap["logged_model_upload"][2] == 200
    assert snap["errors"][0][:2] == (400, "INVALID_PARAMETER_VALUE")


def test_model_version_presigned_download(server, reference, tmp_path):
    import mlflow

    def flow(srv):
        exp, _ = direct_experiment(srv)
        src = tmp_path / srv.name / "MLmodel"
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text("flavors: {}\n")
        with fluent(srv):
            with mlflow.start_run(experiment_id=exp) as run:
                mlflow.log_artifact(str(src), artifact_path="model")
            client = client_for(srv)
            name = unique_name("presigned-mv")
            client.create_registered_model(name)
            mv = client.create_model_version(name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
        params = {"name": name, "version": mv.version, "path": "MLmodel", "presigned": "true"}
        r = requests.get(f"{srv.url}/model-versions/get-artifact", params=params, timeout=30)
        info = r.json()
        fetched = requests.get(info["url"], timeout=30)
        missing = requests.get(f"{srv.url}/model-versions/get-artifact", params={**params, "path": "nope"}, timeout=30)
        server_info = requests.get(f"{srv.url}/api/3.0/mlflow/server-info", timeout=30).json()
        flags = {k: server_info[k] for k in ("presigned_upload_run_id_supported", "presigned_upload_model_id_supported", "model_artifact_presigned_downloads_supported")}
        return {"status": r.status_code, "keys": sorted(info), "headers": info["headers"], "size": info["file_size"], "bytes": fetched.content, "missing": missing.status_code, "flags": flags}

    snap = on_both(server, reference, flow)
    assert snap["status"] == 200 and snap["bytes"] == b"flavors: {}\n"
    assert snap["flags"] == {"presigned_upload_run_id_supported": True, "presigned_upload_model_id_supported": True, "model_artifact_presigned_downloads_supported": True}


# ------------------------------------------------------------------------------------------
# Atomic uploads: a client that disconnects mid-body leaves nothing, even on a store that keeps
# cut-off bodies (the local store's careless mode, switched on for this test only).


def cut_off_put(url: str, headers: dict[str, str], body: bytes, announced: int) -> None:
    """Sends a PUT announcing ``announced`` bytes, sends ``body`` (fewer), and hangs up."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = [f"PUT {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {announced}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sock.sendall(body)
        time.sleep(0.5)  # let the bytes travel before the connection goes away
    time.sleep(1.0)  # and let the server and the store handle the disconnect


@pytest.fixture
def careless_store():
    """The local store keeps cut-off bodies as if whole while the test runs (scripts/lib/s3/server.mjs)."""
    control = f"{S3_ENDPOINT}/_local/buckets/{S3_BUCKET}"
    assert requests.put(control, json={"keepTruncatedUploads": True}, timeout=10).json()["keepTruncatedUploads"] is True
    try:
        yield
    finally:
        requests.put(control, json={"keepTruncatedUploads": False}, timeout=10)


def test_cut_off_upload_leaves_nothing_on_a_careless_store(edge, careless_store, tmp_path):
    import boto3
    import mlflow
    from botocore.config import Config

    s3 = boto3.client("s3", endpoint_url=S3_ENDPOINT, config=Config(signature_version="s3v4"))
    # The premise: this store now keeps what arrived of a cut-off PUT.
    probe = f"careless-probe/{uuid.uuid4().hex}.bin"
    url = s3.generate_presigned_url("put_object", Params={"Bucket": S3_BUCKET, "Key": probe}, ExpiresIn=300)
    cut_off_put(url, {}, os.urandom(200_000), 1_000_000)
    assert s3.head_object(Bucket=S3_BUCKET, Key=probe)["ContentLength"] == 200_000
    s3.delete_object(Bucket=S3_BUCKET, Key=probe)

    with mlflow.start_run() as run:
        mlflow.log_text("kept", "kept.txt")
    root = run.info.artifact_uri.replace("mlflow-artifacts:/", "").lstrip("/")
    client = mlflow.MlflowClient()
    for name, announced, sent in [("small.bin", 900_000, 300_000), ("large.bin", 3 * 1024 * 1024, 1024 * 1024)]:
        cut_off_put(f"{edge.url}/api/2.0/mlflow-artifacts/artifacts/{root}/{name}", {"Content-Type": "application/octet-stream"}, os.urandom(sent), announced)
        assert [f.path for f in client.list_artifacts(run.info.run_id)] == ["kept.txt"], name
        r = requests.get(f"{edge.url}/get-artifact", params={"run_id": run.info.run_id, "path": name}, timeout=30)
        assert r.status_code == 404, name
        key = f"{root}/{name}"
        # The internal multipart upload of the large one is aborted too (in waitUntil).
        deadline = time.time() + 10
        while s3.list_multipart_uploads(Bucket=S3_BUCKET, Prefix=key).get("Uploads") and time.time() < deadline:
            time.sleep(0.2)
        assert not s3.list_multipart_uploads(Bucket=S3_BUCKET, Prefix=key).get("Uploads"), name
    # Whole uploads still land, small and large.
    for size in (900_000, 3 * 1024 * 1024):
        data = os.urandom(size)
        r = requests.put(f"{edge.url}/api/2.0/mlflow-artifacts/artifacts/{root}/whole-{size}.bin", data=data, timeout=60)
        assert r.status_code == 200
        assert requests.get(f"{edge.url}/get-artifact", params={"run_id": run.info.run_id, "path": f"whole-{size}.bin"}, timeout=60).content == data
