// Registered scorers: versions, latest-per-name lists, the reference's field types, errors with
// MLflow's codes and messages, and nothing written by a refused request.
import { describe, expect, it } from "vitest";
import { api, call, newExperiment } from "./helpers";

const S = "/api/3.0/mlflow/scorers";
const builtin = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, builtin_scorer_class: "RelevanceToQuery", builtin_scorer_pydantic_data: { name, model: "openai:/gpt-4", ...extra }, call_source: null });

const register = (experiment_id: string, name: string, serialized_scorer: string) => call("POST", `${S}/register`, { experiment_id, name, serialized_scorer });

describe("scorers", () => {
  it("registers versions and answers the reference's shapes", async () => {
    const exp = await newExperiment();
    const v1 = await register(exp, "relevance", builtin("relevance"));
    expect(v1.status, v1.text).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, experiment_id: exp, name: "relevance", serialized_scorer: builtin("relevance") });
    expect(typeof v1.body.creation_time).toBe("number");
    const raw = '{"a":1.50,"b":"\u00e9","n":null}';
    const v2 = await register(exp, "relevance", raw);
    expect(v2.body).toMatchObject({ version: 2, scorer_id: v1.body.scorer_id, serialized_scorer: raw });

    // list: the latest version per name, experiment_id an int32, the scorer re-serialized by json.dumps
    const list = await call("GET", `${S}/list?experiment_id=${exp}`);
    expect(list.body.scorers).toEqual([
      { experiment_id: Number(exp), scorer_name: "relevance", scorer_version: 2, serialized_scorer: '{"a": 1.5, "b": "\\u00e9", "n": null}', creation_time: v2.body.creation_time, scorer_id: v1.body.scorer_id },
    ]);
    // get answers the stored text as registered
    const latest = await call("GET", `${S}/get?experiment_id=${exp}&name=relevance`);
    expect(latest.body.scorer.serialized_scorer).toBe(raw);
    const first = await call("GET", `${S}/get?experiment_id=${exp}&name=relevance&version=1`);
    expect(first.body.scorer).toMatchObject({ scorer_version: 1, serialized_scorer: builtin("relevance") });
    const versions = await call("GET", `${S}/versions?experiment_id=${exp}&name=relevance`);
    expect(versions.body.scorers.map((s: any) => s.scorer_version)).toEqual([1, 2]);
    expect(versions.roundTrips).toBe(1);
  });

  it("deletes one version, then the whole scorer", async () => {
    const exp = await newExperiment();
    await register(exp, "s", builtin("s"));
    await register(exp, "s", builtin("s", { threshold: 1 }));
    expect((await call("DELETE", `${S}/delete`, { experiment_id: exp, name: "s", version: 1 })).status).toBe(200);
    const again = await call("DELETE", `${S}/delete`, { experiment_id: exp, name: "s", version: 1 });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`Scorer with name 's' and version 1 not found for experiment ${exp}.`);
    expect((await call("GET", `${S}/versions?experiment_id=${exp}&name=s`)).body.scorers.map((s: any) => s.scorer_version)).toEqual([2]);
    // a new registration continues the numbering
    expect((await register(exp, "s", builtin("s"))).body.version).toBe(3);
    expect((await call("DELETE", `${S}/delete`, { experiment_id: exp, name: "s" })).status).toBe(200);
    const gone = await call("GET", `${S}/get?experiment_id=${exp}&name=s`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `Scorer with name 's' not found for experiment ${exp}.` });
    expect((await call("GET", `${S}/list?experiment_id=${exp}`)).body).toEqual({});
  });

  it("refuses bad input with MLflow's codes and writes nothing", async () => {
    const exp = await newExperiment();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ experiment_id: exp, name: "x" }, 400, "Missing value for required parameter 'serialized_scorer'. See the API docs for more information about request parameters."],
      [{ experiment_id: exp, name: "  ", serialized_scorer: "{}" }, 400, "Scorer name cannot be empty or contain only whitespace."],
      [{ experiment_id: exp, name: "x", serialized_scorer: "{not json" }, 400, "serialized_scorer must be valid JSON"],
      [{ experiment_id: exp, name: "x", serialized_scorer: '{"builtin_scorer_pydantic_data":{"model":"  "}}' }, 400, "Scorer model cannot be empty or contain only whitespace."],
      [{ experiment_id: exp, name: "x", serialized_scorer: '{"builtin_scorer_pydantic_data":{"model":5}}' }, 400, "Scorer model must be a string, got int."],
      [{ experiment_id: exp, name: "x", serialized_scorer: '{"builtin_scorer_pydantic_data":{"model":"gateway:/nope"}}' }, 404, "GatewayEndpoint not found (name='nope')"],
      [{ experiment_id: "abc", name: "x", serialized_scorer: "{}" }, 400, "Invalid experiment ID 'abc'. Experiment ID must be a valid integer."],
      [{ experiment_id: "987654321", name: "x", serialized_scorer: "{}" }, 404, "No Experiment with id=987654321 exists"],
      [{ experiment_id: exp, name: "x", serialized_scorer: '{"third_party_scorer_data":{"kwargs":{"opts":{"api_base":"http://evil"}}}}' }, 400, "third_party_scorer_data.kwargs must not contain 'api_base'"],
    ];
    for (const [body, status, message] of cases) {
      const res = await call("POST", `${S}/register`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.message.startsWith(message), res.body.message).toBe(true);
    }
    // Custom (@scorer) code is refused unless the server opts in, as MLflow does.
    const custom = await register(exp, "c", JSON.stringify({ name: "c", call_source: "return 1", call_signature: "(outputs)" }));
    expect(custom.status).toBe(400);
    expect(custom.body.message).toContain("MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS");
    expect((await call("GET", `${S}/list?experiment_id=${exp}`)).body).toEqual({});
    const badVersion = await call("GET", `${S}/get?experiment_id=${exp}&name=x&version=abc`);
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("refuses scorers of deleted experiments", async () => {
    const exp = await newExperiment();
    await register(exp, "s", builtin("s"));
    await api.post("/experiments/delete", { experiment_id: exp });
    const res = await register(exp, "s", builtin("s"));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`The experiment ${exp} must be in the 'active' state. Current state is deleted.`);
    expect((await call("GET", `${S}/list`)).body.scorers?.some((s: any) => String(s.experiment_id) === exp) ?? false).toBe(false);
  });

  it("lists across experiments with experiment_ids, and refuses both spellings at once", async () => {
    const [a, b] = [await newExperiment(), await newExperiment()];
    await register(a, "one", builtin("one"));
    await register(b, "two", builtin("two"));
    const both = await call("GET", `${S}/list?experiment_ids=${b}&experiment_ids=${a}`);
    expect(both.body.scorers.map((s: any) => [s.experiment_id, s.scorer_name])).toEqual([
      [Number(a), "one"],
      [Number(b), "two"],
    ]);
    expect((await call("GET", `${S}/list?experiment_ids=${a}&experiment_id=${b}`)).status).toBe(400);
  });

  it("keeps concurrent registrations: every call gets its own version", async () => {
    const exp = await newExperiment();
    const results = await Promise.all(Array.from({ length: 6 }, () => register(exp, "race", builtin("race"))));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(results.map((r) => r.body.scorer_id)).size).toBe(1);
  });

  it("online scoring configs: judges on gateway models only, answered as Python JSON", async () => {
    const exp = await newExperiment();
    const s = (await register(exp, "j", builtin("j"))).body;
    const off = await call("PUT", `${S}/online-config`, { experiment_id: exp, name: "j", sample_rate: 0 });
    expect(off.status, off.text).toBe(200);
    expect(off.text).toMatch(new RegExp(`^\\{"config": \\{"online_scoring_config_id": "[0-9a-f]{32}", "scorer_id": "${s.scorer_id}", "sample_rate": 0\\.0, "experiment_id": "${exp}"\\}\\}$`));
    const on = await call("PUT", `${S}/online-config`, { experiment_id: exp, name: "j", sample_rate: 0.5 });
    expect(on.status).toBe(400);
    expect(on.body.message).toBe("Scorer 'j' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.");
    expect((await call("PUT", `${S}/online-config`, { experiment_id: exp, name: "j", sample_rate: 2 })).body.message).toBe("sample_rate must be between 0.0 and 1.0, got 2.0");
    expect((await call("PUT", `${S}/online-config`, { experiment_id: exp, name: "j", sample_rate: "x" })).status).toBe(400);
    expect((await call("PUT", `${S}/online-config`, { experiment_id: exp, name: "j", sample_rate: 0, filter_string: "bad filter" })).body.message).toBe(
      "Invalid clause(s) in filter string: 'bad filter'",
    );
    const configs = await call("GET", `${S}/online-configs?scorer_ids=${s.scorer_id}&scorer_ids=unknown`);
    expect(JSON.parse(configs.text).configs).toEqual([{ online_scoring_config_id: off.body.config.online_scoring_config_id, scorer_id: s.scorer_id, sample_rate: 0, experiment_id: exp }]);
    expect((await call("GET", `${S}/online-configs`)).status).toBe(400);
  });
});
