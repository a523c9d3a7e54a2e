// Model-version source rules (CVE-2023-1177 / CVE-2024-1558 class), checked on the functions
// themselves with the cases MLflow's handler documents, plus encoded and mixed variants.
import { describe, expect, it } from "vitest";
import { assertHostAllowed, assertNoRelativePaths, isLocalUri, isWithinRoot, parseModelUri, urlparse } from "../../src/services/model-source";

describe("model-version source checks", () => {
  it("rejects relative references however they are spelled", () => {
    const bad = [
      "mlflow-artifacts://host:port/../../../../",
      "http://host:port/api/2.0/mlflow-artifacts/artifacts/../../../../",
      "https://host:port/api/2.0/mlflow-artifacts/artifacts/../../../../",
      "/models/artifacts/../../../",
      "s3:/my_bucket/models/path/../../other/path",
      "file://path/to/../../../../some/where/you/should/not/be",
      "mlflow-artifacts://host:port/..%2f..%2f..%2f..%2f",
      "http://host:port/api/2.0/mlflow-artifacts/artifacts%00",
      "s3://bucket/a/%252e%252e/b",
      "s3://bucket/a/./b",
      "s3://bucket/a/..",
      "s3://bucket",
      "s3:bucket/relative",
      "gs://bucket/a/%2E%2E/%2E%2E/etc",
      "s3://bucket/a/..+/b".replace("+", "%2F..%2F"),
    ];
    for (const source of bad) expect(() => assertNoRelativePaths(source), source).toThrow(/relative path references/);
    for (const source of ["s3://bucket/models/clf", "runs:/abc/model", "models:/m-123", "mlflow-artifacts:/1/abc/artifacts/model", "gs://b/x..y/z"]) {
      expect(() => assertNoRelativePaths(source), source).not.toThrow();
    }
  });

  it("treats scheme-less and file: sources as local, like Python's is_local_uri", () => {
    expect(isLocalUri("/etc/passwd")).toBe(true);
    expect(isLocalUri("relative/dir")).toBe(true);
    expect(isLocalUri("file:///etc/passwd")).toBe(true);
    expect(isLocalUri("FILE:///etc/passwd")).toBe(true);
    expect(isLocalUri("s3://b/k")).toBe(false);
    expect(isLocalUri("runs:/r/m")).toBe(false);
  });

  it("only lets sources name the artifact store's own host", () => {
    const root = "mlflow-artifacts:/";
    for (const source of ["http://evil/x", "https://evil:8443/x", "ftp://h/x", "sftp://h/x", "hdfs://nn/x", "mlflow-artifacts://evil/x", "abfss://c@acct.dfs.core.windows.net/x"]) {
      expect(() => assertHostAllowed(source, "source", root), source).toThrow(/cannot use the '[a-z-]+' scheme/);
    }
    for (const source of ["s3://b/x", "gs://b/x", "mlflow-artifacts:/1/x", "runs:/r/m", "dummy-source"]) {
      expect(() => assertHostAllowed(source, "source", root), source).not.toThrow();
    }
    expect(() => assertHostAllowed("https://store.example.com/a/b", "source", "https://store.example.com/root")).not.toThrow();
    expect(() => assertHostAllowed("http://store.example.com/a/b", "source", "https://store.example.com/root")).toThrow();
  });

  it("decides containment by scheme, authority and whole path segments after decoding", () => {
    const root = "mlflow-artifacts:/1/abc/artifacts";
    expect(isWithinRoot("mlflow-artifacts:/1/abc/artifacts/model", root)).toBe(true);
    expect(isWithinRoot("mlflow-artifacts:/1/abc/artifacts%2Fmodel", root)).toBe(false);
    expect(isWithinRoot("mlflow-artifacts:/1/abc/artifactsX/model", root)).toBe(false);
    expect(isWithinRoot("mlflow-artifacts:/1/ab%63/artifacts/model", root)).toBe(true);
    expect(isWithinRoot("s3:/1/abc/artifacts/model", root)).toBe(false);
  });

  it("parses models:/ URIs as MLflow does", () => {
    expect(parseModelUri("models:/m-123")).toEqual({ modelId: "m-123" });
    expect(parseModelUri("models:/clf/3")).toEqual({ name: "clf", version: "3" });
    expect(parseModelUri("models:/clf/Production")).toEqual({ name: "clf", stage: "Production" });
    expect(parseModelUri("models:/clf/latest")).toEqual({ name: "clf" });
    expect(parseModelUri("models:/clf@champion")).toEqual({ name: "clf", alias: "champion" });
    for (const bad of ["models:/", "models:/a/b/c", "models:/clf@", "models:/clf/ ", "runs:/x"]) expect(parseModelUri(bad), bad).toBeNull();
    expect(urlparse("models://host/x")).toEqual({ scheme: "models", netloc: "host", path: "/x" });
  });
});
