// Path safety for every artifact route (src/artifacts/paths.ts): the traversal corpus, the
// canonical forms, and properties over arbitrary strings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_ARTIFACT_PATH_BYTES,
  canonicalArtifactPath,
  canonicalEncodedArtifactPath,
  multipartFileName,
  requireFilePath,
} from "../../src/artifacts/paths";
import { MlflowError } from "../../src/errors";

function rejection(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlflowError);
    return e as MlflowError;
  }
  throw new Error("expected the path to be rejected");
}

/** Decoded (query/JSON) inputs that must be rejected. */
const DECODED_ATTACKS = [
  "..",
  "../x",
  "a/../b",
  "a/..",
  "a/b/../../..",
  "./..",
  "a/./../b",
  "/etc/passwd",
  "/",
  "//server/share",
  "C:\\Windows\\win.ini",
  "C:/Windows/win.ini",
  "c:x",
  "..\\x",
  "a\\b",
  "\\\\server\\share",
  "%2e%2e",
  "%2e%2e/x",
  "%2E%2E%2Fx",
  "..%2fx",
  "%252e%252e",
  "a%2fb",
  "a%5cb",
  "a%00b",
  "a\u0000b",
  "a/b\u0000.txt",
  "a\nb",
  "a\rb",
  "a\tb",
  "a\u001fb",
  "a\u007fb",
  "a#b",
  "#",
  "a/b#/../c",
  "a;b",
  "a/..;/b",
  "..;/x",
  "a/b;jsessionid=1",
  "file:/etc/passwd",
  "file:///etc/passwd",
  "FILE:x",
  "s3://bucket/key",
  "http://example.com/x",
  "https://example.com/x",
  "mlflow-artifacts:/1/x",
  "gs://b/k",
  "hdfs://n/x",
  "dbfs:/x",
  "runs:/abc/x",
  "models:/m-1",
  "javascript:alert(1)",
  "data:text/html,x",
];

/** URL-path inputs (decoded exactly once by the route) that must be rejected. */
const ENCODED_ATTACKS = [
  "..",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%2e%2e/x",
  "a/%2e%2e/b",
  "..%2f..%2fetc%2fpasswd",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2fx",
  "%252e%252e",
  "%252e%252e%252fx",
  "a/%252e%252e/b",
  "%25252e",
  "%2fetc%2fpasswd",
  "%5c..%5cx",
  "a%5cb",
  "..%5cx",
  "a%00b",
  "a%0ab",
  "a%0db",
  "a%23b",
  "a%3bb",
  "..%3b/x",
  "file%3a%2f%2f%2fetc%2fpasswd",
  "file:///etc/passwd",
  "s3%3a//bucket/key",
  "C%3a%5cx",
  "%",
  "%zz",
  "%e0%a4%a",
  "%c0%ae%c0%ae", // overlong UTF-8 dots: invalid UTF-8, never decoded to ".."
];

describe("canonicalArtifactPath (decoded input)", () => {
  it.each(DECODED_ATTACKS)("rejects %j", (input) => {
    const err = rejection(() => canonicalArtifactPath(input));
    expect(err.code).toBe("INVALID_PARAMETER_VALUE");
    expect(err.status).toBe(400);
    expect(err.message).toBe("Invalid path");
  });

  it.each([
    ["a/b/c.txt", "a/b/c.txt"],
    ["1/abc/artifacts", "1/abc/artifacts"],
    ["a//b", "a/b"],
    ["a/./b", "a/b"],
    ["./a", "a"],
    ["a/b/", "a/b"],
    ["", ""],
    [".", ""],
    ["./", ""],
    ["my file (1).txt", "my file (1).txt"],
    ["ünïcødé/日本語.txt", "ünïcødé/日本語.txt"],
    ["...", "..."],
    ["..a", "..a"],
    ["a..", "a.."],
    ["a..b/c", "a..b/c"],
    [".hidden", ".hidden"],
    ["50%.txt", "50%.txt"],
    ["a+b=c&d.txt", "a+b=c&d.txt"],
    ["x/run:1.txt", "x/run:1.txt"],
    ["1:2", "1:2"],
  ])("accepts %j as %j", (input, expected) => {
    expect(canonicalArtifactPath(input)).toBe(expected);
  });

  it("rejects paths longer than storage keys allow", () => {
    expect(canonicalArtifactPath("a".repeat(MAX_ARTIFACT_PATH_BYTES))).toHaveLength(MAX_ARTIFACT_PATH_BYTES);
    rejection(() => canonicalArtifactPath("a".repeat(MAX_ARTIFACT_PATH_BYTES + 1)));
    // Bytes, not characters: three-byte characters hit the limit sooner.
    rejection(() => canonicalArtifactPath("日".repeat(Math.ceil(MAX_ARTIFACT_PATH_BYTES / 3) + 1)));
  });
});

describe("canonicalEncodedArtifactPath (URL path input, decoded once)", () => {
  it.each(ENCODED_ATTACKS)("rejects %j", (input) => {
    expect(rejection(() => canonicalEncodedArtifactPath(input)).code).toBe("INVALID_PARAMETER_VALUE");
  });

  it.each([
    ["1/run/artifacts/a.txt", "1/run/artifacts/a.txt"],
    ["my%20file.txt", "my file.txt"],
    ["%E6%97%A5%E6%9C%AC.txt", "日本.txt"],
    ["a%2Fb", "a/b"], // an encoded slash is a separator after the one decode
    ["50%25.txt", "50%.txt"],
    ["a%2Bb.txt", "a+b.txt"],
    ["dir/", "dir"],
  ])("accepts %j as %j", (input, expected) => {
    expect(canonicalEncodedArtifactPath(input)).toBe(expected);
  });
});

describe("requireFilePath", () => {
  it("rejects the root and keeps file paths", () => {
    expect(rejection(() => requireFilePath("")).code).toBe("INVALID_PARAMETER_VALUE");
    expect(requireFilePath("a/b.txt")).toBe("a/b.txt");
  });
});

describe("multipartFileName", () => {
  it.each([
    ["model.bin", "model.bin"],
    ["/tmp/upload/model.bin", "model.bin"],
    ["C:\\Users\\me\\model.bin", "model.bin"],
    ["dir/sub/model.bin", "model.bin"],
  ])("takes the base name of %j", (input, expected) => {
    expect(multipartFileName(input)).toBe(expected);
  });

  it.each(["", "/", "..", "a/..", "a\\..", ".", "a/.", "%2e%2e", "x%5c..", "C%3a..", "a#b", "a\u0000b", "file:x"])("rejects %j", (input) => {
    expect(rejection(() => multipartFileName(input)).code).toBe("INVALID_PARAMETER_VALUE");
  });
});

describe("properties", () => {
  const segmentChars = fc.constantFrom("a", "b", ".", "/", "\\", "%", "2", "e", "5", "c", ";", "#", ":", "\u0000", " ", "é");
  const pathLike = fc.array(segmentChars, { maxLength: 24 }).map((cs) => cs.join(""));

  function assertSafe(out: string): void {
    expect(out.startsWith("/")).toBe(false);
    expect(out.endsWith("/")).toBe(false);
    const segments = out === "" ? [] : out.split("/");
    for (const s of segments) {
      expect(s).not.toBe("");
      expect(s).not.toBe(".");
      expect(s).not.toBe("..");
    }
    expect(out).not.toMatch(/[\\#;\u0000-\u001f\u007f]/);
    expect(out).not.toMatch(/%[0-9a-fA-F]{2}/);
    expect(out).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/);
  }

  it("whatever is accepted is relative, traversal-free and stable", () => {
    fc.assert(
      fc.property(fc.oneof(pathLike, fc.string(), fc.string({ unit: "binary" })), (input) => {
        let out: string;
        try {
          out = canonicalArtifactPath(input);
        } catch (e) {
          expect((e as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
          return;
        }
        assertSafe(out);
        expect(canonicalArtifactPath(out)).toBe(out); // idempotent
      }),
      { numRuns: 3000 },
    );
  });

  it("URL-path input is safe after the single decode", () => {
    fc.assert(
      fc.property(fc.oneof(pathLike, fc.string()), (input) => {
        let out: string;
        try {
          out = canonicalEncodedArtifactPath(input);
        } catch (e) {
          expect((e as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
          return;
        }
        assertSafe(out);
      }),
      { numRuns: 3000 },
    );
  });

  it("joining an accepted path under a root never leaves the root", () => {
    fc.assert(
      fc.property(pathLike, (input) => {
        let out: string;
        try {
          out = canonicalArtifactPath(input);
        } catch {
          return;
        }
        const joined = out === "" ? "root" : `root/${out}`;
        // POSIX-normalise the joined key: it must still be under root/.
        const stack: string[] = [];
        for (const s of joined.split("/")) {
          if (s === "..") stack.pop();
          else if (s !== "." && s !== "") stack.push(s);
        }
        expect(stack[0]).toBe("root");
        expect(stack.join("/")).toBe(joined);
      }),
      { numRuns: 2000 },
    );
  });
});
