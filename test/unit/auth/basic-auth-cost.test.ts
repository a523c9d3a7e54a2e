// A failed Basic sign-in costs one PBKDF2 derivation at the configured cost whether the username
// exists or not, so response times do not reveal which usernames exist (issue 11, finding 8).
// Counted, not timed: the derivation is spied on.
import { afterEach, describe, expect, it, vi } from "vitest";
import { authenticate, NotAuthenticated } from "../../../src/auth/authenticate";
import type { AuthConfig } from "../../../src/auth/config";
import { hashPassword, PBKDF2_ITERATIONS } from "../../../src/auth/passwords";
import type { Db } from "../../../src/db/client";

const config: AuthConfig = {
  enabled: true,
  access: null,
  basic: true,
  defaultPermission: "READ",
  admins: new Set(),
  bootstrapAdmin: null,
  allowedHosts: null,
  corsOrigins: [],
};

/** A database whose users table holds `rows` (what findUser reads). */
function db(rows: Record<string, unknown>[]): () => Db {
  return () => ({ execute: async () => ({ rows }) }) as unknown as Db;
}

function basicRequest(username: string, password: string): Request {
  return new Request("http://localhost/api/2.0/mlflow/experiments/search", { headers: { authorization: `Basic ${btoa(`${username}:${password}`)}` } });
}

async function derivationsFor(users: Record<string, unknown>[], username: string, password: string): Promise<number[]> {
  const spy = vi.spyOn(crypto.subtle, "deriveBits");
  await expect(authenticate(basicRequest(username, password), config, db(users))).rejects.toBeInstanceOf(NotAuthenticated);
  const iterations = spy.mock.calls.map((call) => (call[0] as Pbkdf2Params).iterations);
  spy.mockRestore();
  return iterations;
}

afterEach(() => vi.restoreAllMocks());

describe("failed Basic sign-ins", () => {
  it("derive once at full cost for an unknown user, a wrong password and a password-less user alike", async () => {
    const alice = { id: 1, username: "alice", password_hash: await hashPassword("right-password"), is_admin: false };
    const noPassword = { id: 2, username: "access-user", password_hash: null, is_admin: false };
    const unknown = await derivationsFor([], "nobody", "some-password");
    const wrong = await derivationsFor([alice], "alice", "wrong-password");
    const passwordless = await derivationsFor([noPassword], "access-user", "some-password");
    expect(unknown).toEqual([PBKDF2_ITERATIONS]);
    expect(wrong).toEqual([PBKDF2_ITERATIONS]);
    expect(passwordless).toEqual([PBKDF2_ITERATIONS]);
  });
});
