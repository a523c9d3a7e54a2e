import { describe, expect, it } from "vitest";
import { api, newExperiment, newRun, uniqueName } from "./helpers";

async function newModel(tags: { key: string; value: string }[] = []): Promise<string> {
  const name = uniqueName("model");
  const res = await api.post("/registered-models/create", { name, tags });
  if (res.status !== 200) throw new Error(res.text);
  return name;
}

async function newVersion(name: string, runId?: string, extra: Record<string, unknown> = {}): Promise<any> {
  const run = runId ?? (await newRun());
  const res = await api.post("/model-versions/create", { name, source: `runs:/${run}/model`, run_id: run, ...extra });
  if (res.status !== 200) throw new Error(res.text);
  return res.body.model_version;
}

describe("registered models", () => {
  it("creates, reads, updates, tags, renames and deletes a model with one statement each", async () => {
    const name = uniqueName("model");
    const created = await api.post("/registered-models/create", { name, description: "d", tags: [{ key: "team", value: "a" }] });
    expect(created.status).toBe(200);
    expect(created.roundTrips).toBe(1);
    expect(created.body.registered_model).toMatchObject({ name, description: "d", tags: [{ key: "team", value: "a" }] });
    expect(created.body.registered_model.creation_timestamp).toBeGreaterThan(0);

    const dup = await api.post("/registered-models/create", { name });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ error_code: "RESOURCE_ALREADY_EXISTS", message: `Registered Model (name=${name}) already exists.` });

    const updated = await api.patch("/registered-models/update", { name, description: "new" });
    expect(updated.body.registered_model.description).toBe("new");
    expect((await api.post("/registered-models/set-tag", { name, key: "k", value: "v" })).status).toBe(200);
    expect((await api.del("/registered-models/delete-tag", { name, key: "team" })).status).toBe(200);

    const run = await newRun();
    const firstVersion = await api.post("/model-versions/create", { name, source: `runs:/${run}/model`, run_id: run });
    expect(firstVersion.roundTrips).toBe(1);
    const v1 = firstVersion.body.model_version;
    expect(v1).toMatchObject({ name, version: "1", current_stage: "None", status: "READY", source: `runs:/${run}/model`, run_id: run });
    await api.post("/registered-models/alias", { name, alias: "champion", version: "1" });

    const got = await api.get("/registered-models/get", { name });
    expect(got.roundTrips).toBe(1);
    expect(got.body.registered_model).toMatchObject({
      name,
      description: "new",
      tags: [{ key: "k", value: "v" }],
      aliases: [{ alias: "champion", version: "1" }],
      latest_versions: [{ name, version: "1", current_stage: "None" }],
    });

    const newName = uniqueName("renamed");
    const renamed = await api.post("/registered-models/rename", { name, new_name: newName });
    expect(renamed.status).toBe(200);
    expect(renamed.body.registered_model).toMatchObject({ name: newName, aliases: [{ alias: "champion", version: "1" }] });
    expect((await api.get("/model-versions/get", { name: newName, version: "1" })).body.model_version.aliases).toEqual(["champion"]);
    expect((await api.get("/registered-models/get", { name })).status).toBe(404);

    const deleted = await api.del("/registered-models/delete", { name: newName });
    expect(deleted.status).toBe(200);
    expect(deleted.roundTrips).toBe(1);
    const gone = await api.get("/registered-models/get", { name: newName });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `Registered Model with name=${newName} not found` });
    expect((await api.get("/model-versions/get", { name: newName, version: "1" })).status).toBe(404);
  });

  it("rejects bad names, tags and duplicate renames", async () => {
    const missing = await api.post("/registered-models/create", {});
    expect(missing.body.message).toBe("Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    const slash = await api.post("/registered-models/create", { name: "a/b" });
    expect(slash.status).toBe(400);
    expect(slash.body.message).toBe("Invalid model name 'a/b'. Names cannot contain '/' or ':'.");
    const badTag = await api.post("/registered-models/create", { name: uniqueName(), tags: [{ key: "../x", value: "v" }] });
    expect(badTag.status).toBe(400);
    const a = await newModel();
    const b = await newModel();
    const clash = await api.post("/registered-models/rename", { name: a, new_name: b });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    expect((await api.get("/registered-models/get", { name: a })).status).toBe(200);
    const noModel = await api.post("/registered-models/set-tag", { name: uniqueName(), key: "k", value: "v" });
    expect(noModel.status).toBe(404);
  });

  it("keeps prompts and models apart in create and search", async () => {
    const prompt = await newModel([{ key: "mlflow.prompt.is_prompt", value: "true" }]);
    const model = await newModel([{ key: "flavor", value: "x" }]);
    const clash = await api.post("/registered-models/create", { name: prompt });
    expect(clash.body.message).toBe(
      `Tried to create a registered model with name '${prompt}', but the name is already taken by a prompt. MLflow does not allow creating a model and a prompt with the same name.`,
    );
    const names = async (filter: string) =>
      ((await api.get("/registered-models/search", { filter, max_results: 1000 })).body.registered_models ?? []).map((m: any) => m.name);
    expect(await names(`name = '${prompt}'`)).toEqual([]);
    expect(await names(`name = '${model}'`)).toEqual([model]);
    expect(await names(`name = '${prompt}' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([prompt]);
    expect(await names(`name = '${model}' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`)).toEqual([model]);
    expect(await names(`name = '${model}' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([]);
  });
});

describe("registry search", () => {
  it("filters, orders and pages registered models like MLflow", async () => {
    const prefix = uniqueName("search");
    for (const suffix of ["b", "a", "c"]) {
      await api.post("/registered-models/create", { name: `${prefix}-${suffix}`, tags: [{ key: "group", value: suffix === "c" ? "odd" : "even" }] });
    }
    const page1 = await api.get("/registered-models/search", { filter: `name LIKE '${prefix}-%'`, max_results: 2 });
    expect(page1.status).toBe(200);
    expect(page1.roundTrips).toBe(1);
    expect(page1.body.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(page1.body.next_page_token).toBe(btoa('{"offset": 2}'));
    const page2 = await api.get("/registered-models/search", { filter: `name LIKE '${prefix}-%'`, max_results: 2, page_token: page1.body.next_page_token });
    expect(page2.body.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-c`]);
    expect(page2.body.next_page_token).toBeUndefined();

    const desc = await api.get("/registered-models/search", { filter: `name ILIKE '${prefix.toUpperCase()}-%'`, order_by: "name DESC" });
    expect(desc.body.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
    const tagged = await api.get("/registered-models/search", { filter: `name LIKE '${prefix}-%' AND tags.group = 'even'` });
    expect(tagged.body.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    const listed = await api.get("/registered-models/search", { filter: `name IN ('${prefix}-a', '${prefix}-c')` });
    expect(listed.body.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-a`, `${prefix}-c`]);
  });

  it("reports MLflow's search errors", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ filter: "run_id = 'x'" }, "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'"],
      [{ filter: "name > 'x'" }, "Invalid comparator for attribute: >"],
      [{ filter: "tags.x IS NULL" }, "IS NULL / IS NOT NULL is not supported for registered model search."],
      [{ filter: "foo.x = 'y'" }, "Invalid entity type 'foo'. Valid entity types are ('attribute', 'tag', 'tags')"],
      [{ order_by: "creation_timestamp" }, "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'name', 'timestamp'}'"],
      [{ max_results: 1001 }, `Invalid value "1001" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.`],
      [{ page_token: "bad" }, "Invalid page token, could not base64-decode"],
    ];
    for (const [params, message] of cases) {
      const res = await api.get("/registered-models/search", params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message });
    }
  });

  it("searches model versions by name, run, version and tags", async () => {
    const name = await newModel();
    const run = await newRun();
    await newVersion(name, run);
    await newVersion(name, undefined, { tags: [{ key: "stage", value: "candidate" }] });
    await newVersion(name, run);
    const search = async (filter: string, extra: Record<string, unknown> = {}) =>
      ((await api.get("/model-versions/search", { filter, ...extra })).body.model_versions ?? []).map((v: any) => v.version);
    expect(await search(`name = '${name}'`)).toEqual(["3", "2", "1"]);
    expect(await search(`name = '${name}' AND run_id = '${run}'`)).toEqual(["3", "1"]);
    expect(await search(`name = '${name}' AND version_number >= 2`)).toEqual(["3", "2"]);
    expect(await search(`name = '${name}' AND tags.stage = 'candidate'`)).toEqual(["2"]);
    expect(await search(`name = '${name}'`, { order_by: "version_number ASC" })).toEqual(["1", "2", "3"]);
    const paged = await api.get("/model-versions/search", { filter: `name = '${name}'`, max_results: 1 });
    expect(paged.body.next_page_token).toBe(btoa('{"offset": 1}'));
    const bad = await api.get("/model-versions/search", { filter: `version_number = 1.5` });
    expect(bad.body.message).toBe("Invalid value for numeric attribute 'version_number': 1.5");
    const badIn = await api.get("/model-versions/search", { filter: `source_path IN ('a')` });
    expect(badIn.status).toBe(400);
  });
});

describe("model versions", () => {
  it("transitions stages, archives others, and serves latest versions (POST and GET)", async () => {
    const name = await newModel();
    for (let i = 0; i < 3; i++) await newVersion(name);
    const prod = async (version: string, archive: boolean) =>
      (await api.post("/model-versions/transition-stage", { name, version, stage: "production", archive_existing_versions: archive })).body.model_version;
    expect((await prod("1", false)).current_stage).toBe("Production");
    expect((await prod("2", true)).current_stage).toBe("Production");
    expect((await api.get("/model-versions/get", { name, version: "1" })).body.model_version.current_stage).toBe("Archived");
    const latest = await api.post("/registered-models/get-latest-versions", { name, stages: ["Production"] });
    expect(latest.body.model_versions.map((v: any) => v.version)).toEqual(["2"]);
    const all = await api.get("/registered-models/get-latest-versions", { name });
    expect(all.body.model_versions.map((v: any) => [v.version, v.current_stage])).toEqual([
      ["1", "Archived"],
      ["2", "Production"],
      ["3", "None"],
    ]);
    const badStage = await api.post("/model-versions/transition-stage", { name, version: "1", stage: "prod" });
    expect(badStage.body.message).toBe("Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.");
    const badArchive = await api.post("/model-versions/transition-stage", { name, version: "1", stage: "None", archive_existing_versions: true });
    expect(badArchive.status).toBe(400);
  });

  it("updates, tags, aliases, deletes and redacts versions", async () => {
    const name = await newModel();
    const run = await newRun();
    await newVersion(name, run);
    await newVersion(name, run);
    const updated = await api.patch("/model-versions/update", { name, version: "1", description: "first" });
    expect(updated.body.model_version.description).toBe("first");
    expect((await api.post("/model-versions/set-tag", { name, version: "1", key: "k", value: "v" })).status).toBe(200);
    expect((await api.get("/model-versions/get", { name, version: "1" })).body.model_version.tags).toEqual([{ key: "k", value: "v" }]);
    expect((await api.del("/model-versions/delete-tag", { name, version: "1", key: "k" })).status).toBe(200);

    expect((await api.post("/registered-models/alias", { name, alias: "prod", version: "2" })).status).toBe(200);
    const byAlias = await api.get("/registered-models/alias", { name, alias: "prod" });
    expect(byAlias.body.model_version).toMatchObject({ version: "2", aliases: ["prod"] });
    expect((await api.get("/registered-models/alias", { name, alias: "latest" })).body.model_version.version).toBe("2");
    const reserved = await api.post("/registered-models/alias", { name, alias: "v3", version: "1" });
    expect(reserved.body.message).toBe("Version alias name 'v3' is reserved.");
    const latestReserved = await api.post("/registered-models/alias", { name, alias: "Latest", version: "1" });
    expect(latestReserved.body.message).toBe("'latest' alias name (case insensitive) is reserved.");
    const noVersion = await api.post("/registered-models/alias", { name, alias: "x", version: "9" });
    expect(noVersion.status).toBe(404);
    expect(noVersion.body.message).toBe(`Model Version (name=${name}, version=9) not found`);

    const uri = await api.get("/model-versions/get-download-uri", { name, version: "1" });
    expect(uri.body).toEqual({ artifact_uri: `runs:/${run}/model` });

    expect((await api.del("/model-versions/delete", { name, version: "2" })).status).toBe(200);
    expect((await api.get("/model-versions/get", { name, version: "2" })).status).toBe(404);
    const aliasGone = await api.get("/registered-models/alias", { name, alias: "prod" });
    expect(aliasGone.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: "Registered model alias prod not found." });
    // Numbers are never reused after a delete.
    expect((await newVersion(name, run)).version).toBe("3");
    const notInt = await api.get("/model-versions/get", { name, version: "abc" });
    expect(notInt.body.message).toBe("Parameter 'version' must be an integer, got 'abc'.");
  });

  it("resolves models:/ sources of registered versions and logged models", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const name = await newModel();
    await newVersion(name, run);
    const copy = await newModel();
    const fromVersion = await api.post("/model-versions/create", { name: copy, source: `models:/${name}/1` });
    expect(fromVersion.status).toBe(200);
    expect(fromVersion.body.model_version).toMatchObject({ source: `models:/${name}/1`, run_id: run });
    expect((await api.get("/model-versions/get-download-uri", { name: copy, version: "1" })).body.artifact_uri).toBe(`runs:/${run}/model`);
    await api.post("/registered-models/alias", { name, alias: "best", version: "1" });
    const fromAlias = await api.post("/model-versions/create", { name: copy, source: `models:/${name}@best` });
    expect(fromAlias.body.model_version.source).toBe(`models:/${name}/1`);

    const lm = (await api.post("/logged-models", { experiment_id: exp, name: "clf", source_run_id: run })).body.model;
    const modelId = lm.info.model_id;
    const fromModel = await api.post("/model-versions/create", { name, source: `models:/${modelId}`, model_id: modelId });
    expect(fromModel.status).toBe(200);
    // Read the logged model once; insert the version and record it on the model in one statement.
    expect(fromModel.roundTrips).toBe(2);
    expect(fromModel.body.model_version).toMatchObject({ version: "2", source: `models:/${modelId}`, run_id: run });
    const uri = await api.get("/model-versions/get-download-uri", { name, version: "2" });
    expect(uri.body.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${modelId}/artifacts`);
    const tagged = await api.get(`/logged-models/${modelId}`);
    expect(tagged.body.model.info.tags).toContainEqual({ key: "mlflow.modelVersions", value: `[{"name": "${name}", "version": 2}]` });
    await api.post("/model-versions/create", { name: copy, source: `models:/${modelId}`, model_id: modelId });
    const twice = (await api.get(`/logged-models/${modelId}`)).body.model.info.tags.find((t: any) => t.key === "mlflow.modelVersions");
    expect(twice.value).toBe(`[{"name": "${name}", "version": 2}, {"name": "${copy}", "version": 3}]`);

    const artifactSource = `mlflow-artifacts:/${exp}/${run}/artifacts/model`;
    const inRun = await api.post("/model-versions/create", { name, source: artifactSource, run_id: run });
    expect(inRun.status).toBe(200);
    expect(inRun.body.model_version.source).toBe(artifactSource);
  });
});

describe("model version source validation", () => {
  it("rejects local paths, file:, traversal, foreign hosts and mismatched ids without writing", async () => {
    const name = await newModel();
    const run = await newRun();
    const otherRun = await newRun();
    const rejected: [Record<string, unknown>, RegExp][] = [
      [{ source: "/etc/passwd" }, /To use a local path as a model version source/],
      [{ source: "file:///etc/passwd", run_id: run }, /To use a local path/],
      [{ source: "relative/path" }, /To use a local path/],
      [{ source: "s3://bucket/models/../../secret" }, /relative path references/],
      [{ source: "s3://bucket/models/%2e%2e/%2e%2e/secret" }, /relative path references/],
      [{ source: "s3://bucket/models/%252e%252e/secret" }, /relative path references/],
      [{ source: "mlflow-artifacts:/0/x/artifacts/..%2f..%2fother" }, /relative path references/],
      [{ source: "https://evil.example.com/api/2.0/mlflow-artifacts/artifacts/x" }, /cannot use the 'https' scheme/],
      [{ source: "mlflow-artifacts://evil.example.com/x" }, /cannot use the 'mlflow-artifacts' scheme/],
      [{ source: `runs:/${otherRun}/model`, run_id: run }, /The run_id request parameter must identify/],
      [{ source: `runs:/${run}/model` }, /The run_id request parameter must identify/],
      [{ source: `mlflow-artifacts:/0/${otherRun}/artifacts/model`, run_id: run }, /The run_id request parameter must identify/],
      [{ source: "models:/m-123" }, /The model_id request parameter must identify/],
      [{ source: "dummy-source", tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }], name: "x" }, /./],
    ];
    for (const [body, message] of rejected) {
      const res = await api.post("/model-versions/create", { name, ...body });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(res.body.message, JSON.stringify(body)).toMatch(message);
    }
    const promptSource = await api.post("/model-versions/create", {
      name,
      source: "s3://bucket/x",
      tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }],
    });
    expect(promptSource.body.message).toBe("Invalid prompt source: 's3://bucket/x'. Prompt sources must use an MLflow placeholder.");
    const versions = await api.get("/model-versions/search", { filter: `name = '${name}'` });
    expect(versions.body.model_versions).toBeUndefined();
    const ok = await api.post("/model-versions/create", { name, source: "s3://bucket/models/clf" });
    expect(ok.status).toBe(200);
    expect(ok.body.model_version).toMatchObject({ version: "1", source: "s3://bucket/models/clf", run_id: "" });
  });
});
