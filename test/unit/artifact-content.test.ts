// The Content-Type a presigned upload signs: Python's mimetypes as MLflow's S3 repository uses it.
import { describe, expect, it } from "vitest";
import { guessMimeType, pythonMimeType } from "../../src/artifacts/content";

describe("pythonMimeType", () => {
  it("follows Python's built-in table, not MLflow's text-type list", () => {
    expect(pythonMimeType("models/config.json")).toBe("application/json");
    expect(guessMimeType("models/config.json")).toBe("text/plain");
    expect(pythonMimeType("a.txt")).toBe("text/plain");
    expect(pythonMimeType("plots/loss.PNG")).toBe("image/png");
    expect(pythonMimeType("data.csv")).toBe("text/csv");
  });

  it("treats compression suffixes as encodings and unknown names as octet streams", () => {
    expect(pythonMimeType("archive.tar.gz")).toBe("application/x-tar");
    expect(pythonMimeType("blob.gz")).toBe("application/octet-stream");
    expect(pythonMimeType("model.pkl")).toBe("application/octet-stream");
    expect(pythonMimeType("MLmodel")).toBe("application/octet-stream");
    expect(pythonMimeType(".gz")).toBe("application/octet-stream");
  });
});
