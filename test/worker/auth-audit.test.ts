// Audit with auth on: a run created without a user belongs to the authenticated identity, while a
// user the client names explicitly is kept (the official client always sends its OS user).
import { describe, expect, it } from "vitest";
import { ADMIN, authEnv, basic, client, ok } from "./auth-helpers";

const ENV = authEnv();
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));

describe("audit", () => {
  it("records the authenticated identity as the run's user when the client sends none", async () => {
    const exp = ok(await admin.post("/experiments/create", { name: `audit-${Date.now()}-${Math.random()}` }), "create experiment").body.experiment_id;
    const anonymous = ok(await admin.post("/runs/create", { experiment_id: exp }), "create run").body.run.info;
    expect(anonymous.user_id).toBe(ADMIN.username);
    const named = ok(await admin.post("/runs/create", { experiment_id: exp, user_id: "alice" }), "create run").body.run.info;
    expect(named.user_id).toBe("alice");
  });
});
