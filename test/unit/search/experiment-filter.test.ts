import { describe, expect, it } from "vitest";
import { parseExperimentFilter } from "../../../src/search";
import { expectInvalid, plain } from "./helpers";

const one = (f: string) => {
  const parsed = parseExperimentFilter(f);
  expect(parsed).toHaveLength(1);
  const c = parsed[0]!;
  return { type: c.type, key: c.key, comparator: c.comparator, value: plain(c.value) };
};

describe("parseExperimentFilter", () => {
  it("empty", () => {
    expect(parseExperimentFilter("")).toEqual([]);
    expect(parseExperimentFilter(undefined)).toEqual([]);
  });

  it.each(["=", "!=", "LIKE", "ILIKE"])("name %s", (op) => {
    expect(one(`name ${op} 'a%'`)).toEqual({ type: "attribute", key: "name", comparator: op, value: "a%" });
  });

  it.each(["attributes.name", "attribute.name", "`name`", '"name"'])("attribute spelling %s", (id) => {
    expect(one(`${id} = 'x'`)).toMatchObject({ type: "attribute", key: "name" });
  });

  it("name rejects ordering comparators and lists", () => {
    expectInvalid(() => parseExperimentFilter("name > 'a'"), "Invalid comparator '>' not one of");
    expectInvalid(() => parseExperimentFilter("name IN ('a')"), "Only ['experiment_id'] attributes support comparison with a list of quoted string values.");
    expectInvalid(() => parseExperimentFilter("name IS NULL"), "IS NULL / IS NOT NULL is only supported for tags, not for attribute 'name'");
  });

  it.each([
    ["experiment_id = '1'", "=", "1"],
    ["experiment_id != ' 2 '", "!=", "2"],
    ["experiment_id = '1_0'", "=", "10"],
    ["experiment_id = '007'", "=", "7"],
    ["experiment_id IN ('1', '2')", "IN", ["1", "2"]],
    ["experiment_id NOT IN ('3')", "NOT IN", ["3"]],
    ["experiment_id = ('4')", "=", "4"],
  ])("%s", (f, comparator, value) => {
    expect(one(f)).toEqual({ type: "attribute", key: "experiment_id", comparator, value });
  });

  it("experiment ids must be integers written as strings", () => {
    expectInvalid(() => parseExperimentFilter("experiment_id = 'x'"), "Invalid experiment ID 'x'. Experiment ID must be a valid integer.");
    expectInvalid(() => parseExperimentFilter("experiment_id IN ('1', 'y')"), "Invalid experiment ID 'y'");
    expectInvalid(() => parseExperimentFilter("experiment_id = 1"), "Expected a quoted string value for attributes. Got value 1");
    expectInvalid(() => parseExperimentFilter("experiment_id > '1'"), "Invalid comparator for experiment_id: >");
    expectInvalid(() => parseExperimentFilter("experiment_id LIKE '1'"), "Invalid comparator for experiment_id: LIKE");
  });

  it.each(["creation_time", "last_update_time"])("%s is numeric", (key) => {
    for (const op of ["=", "!=", ">", ">=", "<", "<="]) expect(one(`${key} ${op} -3`)).toEqual({ type: "attribute", key, comparator: op, value: -3 });
    expectInvalid(() => parseExperimentFilter(`${key} = 5.0`), `Invalid value for numeric attribute '${key}': '5.0'`);
    expectInvalid(() => parseExperimentFilter(`${key} = 1e3`), `Invalid value for numeric attribute '${key}': '1000.0'`);
    expectInvalid(() => parseExperimentFilter(`${key} = '5'`), `Expected numeric value type for numeric attribute: ${key}. Found '5'`);
    expectInvalid(() => parseExperimentFilter(`${key} LIKE 5`), "Invalid comparator 'LIKE' not one of");
  });

  it.each(["tags", "tag"])("%s comparators", (p) => {
    for (const op of ["=", "!=", "LIKE", "ILIKE"]) expect(one(`${p}.k ${op} 'v'`)).toEqual({ type: "tag", key: "k", comparator: op, value: "v" });
    expect(one(`${p}.k IS NULL`)).toEqual({ type: "tag", key: "k", comparator: "IS NULL", value: null });
    expect(one(`${p}.k is not null`)).toEqual({ type: "tag", key: "k", comparator: "IS NOT NULL", value: null });
    expect(one(`${p}.\`a b\` = 'v'`).key).toBe("a b");
  });

  it("tags reject other comparators and lists", () => {
    expectInvalid(() => parseExperimentFilter("tags.a > 'x'"), "Invalid comparator for tag: >");
    expectInvalid(() => parseExperimentFilter("tags.a RLIKE 'x'"), "Invalid comparator for tag: RLIKE");
    expectInvalid(() => parseExperimentFilter("tags.a IN ('x')"), "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')");
  });

  it.each(["params", "metrics", "attr", "`tags`", "datasets", "run"])("entity %s is not valid here", (e) => {
    expectInvalid(() => parseExperimentFilter(`${e}.a = 'x'`), `Invalid entity type '${e}'. Valid entity types are ('attribute', 'attributes', 'tag', 'tags')`);
  });

  it("unknown attributes and OR", () => {
    expectInvalid(() => parseExperimentFilter("lifecycle_stage = 'active'"), "Invalid attribute key 'lifecycle_stage' specified");
    expectInvalid(() => parseExperimentFilter("name = 'a' OR name = 'b'"), "Invalid clause(s) in filter string: OR");
  });

  it("AND chains", () => {
    const f = parseExperimentFilter("name LIKE 'a%' and tags.t = 'x' AND creation_time > 0");
    expect(f.map((c) => c.key)).toEqual(["name", "t", "creation_time"]);
  });
});
