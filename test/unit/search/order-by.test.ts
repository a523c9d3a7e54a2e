import { describe, expect, it } from "vitest";
import { DEFAULT_EXPERIMENT_ORDER_BY, parseExperimentOrderBy, parseRunOrderBy } from "../../../src/search";
import { shlexSplit } from "../../../src/search/order-by";
import { expectInvalid } from "./helpers";

const tuples = (xs: { type: string; key: string; ascending: boolean }[]) => xs.map((o) => [o.type, o.key, o.ascending]);

describe("parseRunOrderBy", () => {
  it("empty", () => {
    expect(parseRunOrderBy(undefined)).toEqual([]);
    expect(parseRunOrderBy([])).toEqual([]);
  });

  it.each([
    ["metrics.a", "metric", "a", true],
    ["metric.a DESC", "metric", "a", false],
    ["metrics.`a b` DESC", "metric", "a b", false],
    ['metrics."a b" desc', "metric", "a b", false],
    ["metrics.'a b' DESC", "metric", "a b", false],
    ["params.p ASC", "parameter", "p", true],
    ["param.p asc", "parameter", "p", true],
    ["tags.`mlflow.runName`", "tag", "mlflow.runName", true],
    ["tag.a", "tag", "a", true],
    ["attributes.start_time DESC", "attribute", "start_time", false],
    ["attr.status", "attribute", "status", true],
    ["run.status", "attribute", "status", true],
    ["start_time", "attribute", "start_time", true],
    ["created desc", "attribute", "created", false],
    ["Created", "attribute", "Created", true],
    ["run_name", "attribute", "run_name", true],
    ["run_id", "attribute", "run_id", true],
    ["status", "attribute", "status", true],
    ["user_id", "attribute", "user_id", true],
    ["artifact_uri", "attribute", "artifact_uri", true],
    ["end_time Desc", "attribute", "end_time", false],
  ])("%s", (entry, type, key, ascending) => {
    expect(tuples(parseRunOrderBy([entry]))).toEqual([[type, key, ascending]]);
  });

  it("several entries keep their order", () => {
    expect(tuples(parseRunOrderBy(["metrics.a", "params.a DESC", "tags.a"]))).toEqual([
      ["metric", "a", true],
      ["parameter", "a", false],
      ["tag", "a", true],
    ]);
  });

  it.each([
    ["`run name`", "Invalid attribute key 'run name' specified"],
    ["lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified"],
    ["datasets.name", "Invalid identifier type 'dataset'"],
    ["metrics.a sideways", "Invalid ordering key in order_by clause 'metrics.a sideways'."],
    ["metrics.a DESC extra", "Invalid order_by clause 'metrics.a DESC extra'. Could not be parsed."],
    ["metrics.a DESC NULLS LAST", "Could not be parsed."],
    ["", "Invalid order_by clause ''. Could not be parsed."],
    [" metrics.a", "Could not be parsed."],
    ["metrics.a ", "Could not be parsed."],
    ["metrics.a,metrics.b", "Could not be parsed."],
    ["metrics.a-b", "Could not be parsed."],
    ["Metrics.a", "Invalid entity type 'Metrics'"],
    ["metrics.`it\"s` DESC", "Could not be parsed."],
  ])("rejects %j", (entry, message) => {
    expectInvalid(() => parseRunOrderBy([entry]), message);
  });

  it.each([
    [["metrics.a", "metrics.a DESC"]],
    [["created", "start_time"]],
    [["tags.x", "tag.x ASC"]],
  ])("rejects duplicate fields %j", (entries) => {
    expectInvalid(() => parseRunOrderBy(entries), "`order_by` contains duplicate fields");
  });

  it("same key on different entities is fine", () => {
    expect(parseRunOrderBy(["metrics.a", "params.a", "tags.a"])).toHaveLength(3);
  });
});

describe("parseExperimentOrderBy", () => {
  it("defaults to creation_time DESC, experiment_id ASC", () => {
    expect(DEFAULT_EXPERIMENT_ORDER_BY).toEqual(["creation_time DESC", "experiment_id ASC"]);
    const expected = [
      ["attribute", "creation_time", false],
      ["attribute", "experiment_id", true],
    ];
    expect(tuples(parseExperimentOrderBy(undefined))).toEqual(expected);
    expect(tuples(parseExperimentOrderBy([]))).toEqual(expected);
  });

  it.each([
    ["name", "name", true],
    ["name DESC", "name", false],
    ["experiment_id asc", "experiment_id", true],
    ["last_update_time", "last_update_time", true],
    ["attributes.name", "name", true],
    ["`name` DESC", "name", false],
    ["creation_time desc", "creation_time", false],
  ])("%s", (entry, key, ascending) => {
    expect(tuples(parseExperimentOrderBy([entry]))).toEqual([["attribute", key, ascending]]);
  });

  it("allows duplicates, as MLflow does", () => {
    expect(parseExperimentOrderBy(["name", "name"])).toHaveLength(2);
  });

  it.each([
    ["tags.a", "Invalid order_by entity: tag"],
    ["attr.name", "Invalid entity type 'attr'"],
    ["params.a", "Invalid entity type 'params'"],
    ["foo", "Invalid attribute key 'foo' specified"],
    ["name up", "Invalid ordering key in order_by clause 'name up'."],
    [" name", "Could not be parsed."],
  ])("rejects %j", (entry, message) => {
    expectInvalid(() => parseExperimentOrderBy([entry]), message);
  });
});

describe("shlexSplit", () => {
  it.each([
    ["a b", ["a", "b"]],
    ['metrics."a b" DESC', ["metrics.a b", "DESC"]],
    ["x'y z'w", ["xy zw"]],
    ['"a\\"b"', ['a"b']],
    ["a\\ b", ["a b"]],
    ["  ", []],
  ])("%j", (s, words) => {
    expect(shlexSplit(s)).toEqual(words);
  });

  it.each(['"open', "'open", "trailing\\"])("unterminated %j", (s) => {
    expect(shlexSplit(s)).toBeNull();
  });
});
