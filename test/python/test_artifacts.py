"""Artifacts end to end with the official MLflow client, against OUR server only (EDGE_MLFLOW_URL).

Covers the client paths that move bytes: single streamed PUTs through the Worker, presigned
multipart uploads straight to storage, presigned ranged downloads (advertised in server-info),
listing, and deletes. Run: `.venv/mlflow3/bin/python -m pytest test/python/test_artifacts.py`
with the server from `npm run dev` (or EDGE_MLFLOW_URL pointing at one).

EDGE_ARTIFACT_BIG_MB sets the size of the large multipart round trip (default 300).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import requests

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
