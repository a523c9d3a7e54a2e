// Fernet as the `cryptography` package implements it: a token made by Python decrypts here, and
// ours decrypt (and fail to verify under another key).
import { describe, expect, it } from "vitest";
import { fernetDecrypt, fernetEncrypt, FernetError, importFernetKey } from "../../../src/lib/fernet";

const KEY = "dGVzdC1rZXktZm9yLXdlYmhvb2stc2VjcmV0cy0zMmI=";
// Fernet(KEY).encrypt("s3cret-é".encode()) with cryptography (MLflow 3.18's venv).
const PYTHON_TOKEN = "gAAAAABrDuhJiOig1BPmvy6zGUa_3Eb4xK09frFeI3RDmyE3UU8DO63fE-b2alvm3Zy8AVZhPvXyzr-ohzRxuJylmXVxRukqIw==";

describe("fernet", () => {
  it("decrypts a token made by Python's cryptography", async () => {
    expect(await fernetDecrypt(await importFernetKey(KEY), PYTHON_TOKEN)).toBe("s3cret-é");
  });

  it("encrypts tokens of the same format, verified by their key only", async () => {
    const keys = await importFernetKey(KEY);
    const token = await fernetEncrypt(keys, "webhook secret");
    expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
    expect(await fernetDecrypt(keys, token)).toBe("webhook secret");
    const other = await importFernetKey("b3RoZXIta2V5LWZvci13ZWJob29rLXNlY3JldHMtMzI=");
    await expect(fernetDecrypt(other, token)).rejects.toThrow(FernetError);
    await expect(fernetDecrypt(keys, token.slice(0, -4) + "AAAA")).rejects.toThrow(FernetError);
  });

  it("refuses keys that are not 32 url-safe base64 bytes", async () => {
    await expect(importFernetKey("short")).rejects.toThrow("Fernet key must be 32 url-safe base64-encoded bytes.");
  });
});
