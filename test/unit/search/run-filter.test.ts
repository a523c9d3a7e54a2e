import { describe, expect, it } from "vitest";
import { parseRunFilter } from "../../../src/search";
import { expectInvalid, plain } from "./helpers";

const one = (f: string) => {
  const parsed = parseRunFilter(f);
  expect(parsed).toHaveLength(1);
  const c = parsed[0]!;
  return { type: c.type, key: c.key, comparator: c.comparator, value: plain(c.value) };
};

describe("parseRunFilter: empty input", () => {
  it.each([null, undefined, "", " ", "\n\t "])("%j is no filter", (f) => {
    expect(parseRunFilter(f)).toEqual([]);
  });
});

describe("parseRunFilter: entity prefixes and aliases", () => {
  it.each([
    ["metrics", "metric"],
    ["metric", "metric"],
    ["params", "parameter"],
    ["param", "parameter"],
    ["parameter", "parameter"],
    ["parameters", "parameter"],
    ["tags", "tag"],
    ["tag", "tag"],
    ["`tags`", "tag"],
    ["`metrics`", "metric"],
  ])("%s.k", (prefix, type) => {
    const value = type === "metric" ? "1" : "'v'";
    expect(one(`${prefix}.k = ${value}`)).toMatchObject({ type, key: "k" });
  });

  it.each(["attributes", "attribute", "attr", "run", "`attributes`"])("%s.status is an attribute", (prefix) => {
    expect(one(`${prefix}.status = 'RUNNING'`)).toEqual({ type: "attribute", key: "status", comparator: "=", value: "RUNNING" });
  });

  it.each(["dataset", "datasets"])("%s.name is a dataset clause", (prefix) => {
    expect(one(`${prefix}.name = 'train'`)).toEqual({ type: "dataset", key: "name", comparator: "=", value: "train" });
  });

  it.each(["Metrics", "METRIC", "metricz", "met", "experiment", "trace", "`metrics.`"])("rejects entity %s", (prefix) => {
    expectInvalid(() => parseRunFilter(`${prefix}.a = 1`), /Invalid entity type|Invalid clause/);
  });

  it("names the valid entities in the message", () => {
    expectInvalid(() => parseRunFilter("foo.a = 1"), "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
  });
});

describe("parseRunFilter: attributes", () => {
  it.each([
    ["run_id = 'abc'", "run_id", "abc"],
    ["run_name = 'r'", "run_name", "r"],
    ["status = 'FINISHED'", "status", "FINISHED"],
    ["user_id = 'u'", "user_id", "u"],
    ["artifact_uri = 's3://b/p'", "artifact_uri", "s3://b/p"],
    ["attributes.`run name` = 'r'", "run name", "r"],
    ['attributes."Run Name" = \'r\'', "Run Name", "r"],
    ["attributes.'Run name' = 'r'", "Run name", "r"],
    ["`run name` = 'r'", "run name", "r"],
    ['"status" = \'x\'', "status", "x"],
  ])("%s", (f, key, value) => {
    expect(one(f)).toEqual({ type: "attribute", key, comparator: "=", value });
  });

  it.each([
    ["start_time > 5", "start_time", 5],
    ["end_time <= -1", "end_time", -1],
    ["created >= 1700000000000", "created", 1700000000000],
    ["Created < 1.5", "Created", 1.5],
    ["attributes.start_time != 1e3", "start_time", 1000],
  ])("numeric %s", (f, key, value) => {
    expect(one(f)).toMatchObject({ type: "attribute", key, value });
  });

  it("keeps integer-ness of numeric literals", () => {
    const [a] = parseRunFilter("start_time > 10");
    const [b] = parseRunFilter("start_time > 10.0");
    expect(a!.value).toEqual({ kind: "number", value: 10, integer: true, raw: "10" });
    expect(b!.value).toEqual({ kind: "number", value: 10, integer: false, raw: "10.0" });
  });

  it.each(["lifecycle_stage = 'active'", "experiment_id = '1'", "name = 'x'", "attributes.foo = 'x'", "run_uuid = 'x'", "Status = 'x'"])("rejects unknown attribute: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), /Invalid attribute key '.*' specified/);
  });

  it.each(["start_time = 'x'", "end_time > \"5\"", "created > abc"])("numeric attribute needs a number: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), "Expected numeric value type for numeric attribute");
  });

  it.each(["status = 5", "run_id = 1.5"])("string attribute needs a string: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), "Expected a quoted string value for attributes. Got value");
  });

  it("needs quotes around string values", () => {
    expectInvalid(() => parseRunFilter("status = FINISHED"), "Parameter value is either not quoted or unidentified quote types used for string value FINISHED");
  });

  it.each([
    ["run_id IN ('a', 'b')", "IN", ["a", "b"]],
    ["run_id in ('a')", "IN", ["a"]],
    ["run_id NOT IN ('a',)", "NOT IN", ["a"]],
    ["attributes.run_id not in (\"a\", 'b', )", "NOT IN", ["a", "b"]],
  ])("list comparison %s", (f, comparator, value) => {
    expect(one(f)).toEqual({ type: "attribute", key: "run_id", comparator, value });
  });

  it.each(["status IN ('A')", "run_name IN ('a')", "user_id NOT IN ('a')"])("lists only for run_id: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), "Only ['run_id'] attributes support comparison with a list of quoted string values.");
  });

  it("numeric attributes never take lists", () => {
    expectInvalid(() => parseRunFilter("start_time IN (1)"), "Expected numeric value type for numeric attribute: start_time. Found (1)");
  });

  it.each(["=", "!=", "LIKE", "ILIKE"])("string attribute comparator %s", (op) => {
    expect(one(`status ${op} 'x'`).comparator).toBe(op);
  });

  it.each([">", ">=", "<", "<=", "RLIKE", "NOT LIKE", "==", "<>", "REGEXP", "~"])("string attribute rejects %s", (op) => {
    expectInvalid(() => parseRunFilter(`status ${op} 'x'`), `Invalid comparator '${op}' not one of`);
  });

  it.each(["=", "!=", ">", ">=", "<", "<="])("numeric attribute comparator %s", (op) => {
    expect(one(`start_time ${op} 1`).comparator).toBe(op);
  });

  it.each(["LIKE", "ILIKE", "==", "RLIKE"])("numeric attribute rejects %s", (op) => {
    expectInvalid(() => parseRunFilter(`end_time ${op} 1`), `Invalid comparator '${op}'`);
  });

  it.each(["run_id IS NULL", "status IS NOT NULL", "start_time IS NULL"])("IS NULL is not for attributes: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), "IS NULL / IS NOT NULL is only supported for tags and params, not for 'attribute'");
  });
});

describe("parseRunFilter: metrics", () => {
  it.each([
    ["1", 1, true],
    ["-1", -1, true],
    ["0.25", 0.25, false],
    ["-2.5", -2.5, false],
    [".5", 0.5, false],
    ["-.5", -0.5, false],
    ["1.", 1, false],
    ["1e3", 1000, false],
    ["1E-3", 0.001, false],
    ["-1.5e2", -150, false],
  ])("value %s", (raw, value, integer) => {
    const [c] = parseRunFilter(`metrics.loss < ${raw}`);
    expect(c!.value).toEqual({ kind: "number", value, integer, raw });
  });

  it.each(["=", "!=", ">", ">=", "<", "<="])("comparator %s", (op) => {
    expect(one(`metrics.m ${op} 0`)).toEqual({ type: "metric", key: "m", comparator: op, value: 0 });
  });

  it.each(["LIKE", "ILIKE", "RLIKE", "==", "<>", "NOT LIKE"])("rejects comparator %s", (op) => {
    expectInvalid(() => parseRunFilter(`metrics.m ${op} 0`), `Invalid comparator '${op}' not one of`);
  });

  it.each(["'1'", '"1"', "abc", "NULL", "(1)", "0x10", "metrics.b"])("rejects non-numeric value %s", (v) => {
    expectInvalid(() => parseRunFilter(`metrics.m = ${v}`), /Expected numeric value type for metric|Invalid clause/);
  });

  it.each(["metrics.m IS NULL", "metrics.m IS NOT NULL"])("no IS NULL: %s", (f) => {
    expectInvalid(() => parseRunFilter(f), "IS NULL / IS NOT NULL is only supported for tags and params, not for 'metric' 'm'");
  });

  it("rejects IN lists", () => {
    expectInvalid(() => parseRunFilter("metrics.m IN (1, 2)"), "Expected numeric value type for metric");
  });
});

describe("parseRunFilter: params and tags", () => {
  it.each(["params", "tags"])("%s comparators", (p) => {
    for (const op of ["=", "!=", "LIKE", "ILIKE"]) expect(one(`${p}.k ${op} 'v'`).comparator).toBe(op);
    for (const op of ["IS NULL", "IS NOT NULL"]) expect(one(`${p}.k ${op}`)).toMatchObject({ comparator: op, value: null });
  });

  it.each(["params", "tags"])("%s reject ordering and regex comparators", (p) => {
    for (const op of [">", ">=", "<", "<=", "RLIKE", "NOT LIKE", "=="]) {
      expectInvalid(() => parseRunFilter(`${p}.k ${op} 'v'`), `Invalid comparator '${op}' not one of`);
    }
  });

  it("case-insensitive comparator words", () => {
    expect(one("tags.k like '%x%'").comparator).toBe("LIKE");
    expect(one("tags.k iLiKe '%x%'").comparator).toBe("ILIKE");
    expect(one("tags.k is not null").comparator).toBe("IS NOT NULL");
    expect(one("params.k Is Null").comparator).toBe("IS NULL");
  });

  it.each([
    ["'v'", "v"],
    ['"v"', "v"],
    ["''", ""],
    ["'a b'", "a b"],
    ["'it''s'", "it''s"],
    ["'a\\'b'", "a\\'b"],
    ['"say ""hi"""', 'say ""hi""'],
    ["'%_'", "%_"],
    ["'é🙂'", "é🙂"],
    ["'line\nbreak'", "line\nbreak"],
  ])("value %s is taken verbatim", (v, expected) => {
    expect(one(`params.k = ${v}`).value).toBe(expected);
  });

  it.each([
    ["tags.`my key` = 'v'", "my key"],
    ['tags."my key" = \'v\'', "my key"],
    ["tags.'my key' = 'v'", "my key"],
    ["tags.mlflow.runName = 'v'", "mlflow.runName"],
    ["tags.`mlflow.source.type` = 'v'", "mlflow.source.type"],
    ["params.`a-b/c:d` = 'v'", "a-b/c:d"],
    ["params.select = 'v'", "select"],
    ["params.and = 'v'", "and"],
    ["params.1a = 'v'", "1a"],
  ])("key form %s", (f, key) => {
    expect(one(f).key).toBe(key);
  });

  it.each(["5", "1.5", "NULL", "('a')"])("%s is not a string value", (v) => {
    expectInvalid(() => parseRunFilter(`params.k = ${v}`), "Expected a quoted string value for parameter (e.g. 'my-value'). Got value");
    expectInvalid(() => parseRunFilter(`tags.k = ${v}`), "Expected a quoted string value for tag (e.g. 'my-value'). Got value");
  });

  it("unquoted words are rejected", () => {
    expectInvalid(() => parseRunFilter("params.k = v"), "Parameter value is either not quoted");
  });

  it("IN is not available for params", () => {
    expectInvalid(() => parseRunFilter("params.k IN ('a')"), "Expected a quoted string value for parameter");
  });
});

describe("parseRunFilter: datasets", () => {
  it.each(["name", "digest", "context"])("key %s", (key) => {
    expect(one(`datasets.${key} = 'x'`)).toEqual({ type: "dataset", key, comparator: "=", value: "x" });
    expect(one(`datasets.${key} IN ('x', 'y')`)).toEqual({ type: "dataset", key, comparator: "IN", value: ["x", "y"] });
    expect(one(`datasets.${key} NOT IN ('x')`).comparator).toBe("NOT IN");
    expect(one(`datasets.${key} LIKE 'x%'`).comparator).toBe("LIKE");
    expect(one(`datasets.${key} ILIKE 'x%'`).comparator).toBe("ILIKE");
  });

  it("rejects other keys", () => {
    expectInvalid(() => parseRunFilter("datasets.source = 'x'"), "Invalid dataset key 'source' specified");
  });

  it.each([">", "<=", "RLIKE"])("rejects %s", (op) => {
    expectInvalid(() => parseRunFilter(`datasets.name ${op} 'x'`), `Invalid comparator '${op}'`);
  });

  it("rejects IS NULL and numbers", () => {
    expectInvalid(() => parseRunFilter("datasets.name IS NULL"), "not for 'dataset' 'name'");
    expectInvalid(() => parseRunFilter("datasets.name = 1"), "Expected a quoted string value for dataset attributes");
  });

  it("a one-element list with = acts as the string (as it does in MLflow on Postgres)", () => {
    expect(one("datasets.name = ('x')")).toMatchObject({ comparator: "=", value: "x" });
    expectInvalid(() => parseRunFilter("datasets.name = ('x', 'y')"), "use IN or NOT IN");
  });
});

describe("parseRunFilter: lists follow Python literal rules", () => {
  it.each([
    ["('a', 'b')", ["a", "b"]],
    ["(\"a\")", ["a"]],
    ["('a' 'b')", ["ab"]],
    ["('a\\'b')", ["a'b"]],
    ["('a\\nb')", ["a\nb"]],
    ["('\\x41\\u00e9')", ["Aé"]],
    ["('''x''')", ["x"]],
    ["(('a', 'b'))", ["a", "b"]],
    ["( 'a' ,\n 'b' , )", ["a", "b"]],
  ])("%s", (list, values) => {
    expect(one(`run_id IN ${list}`).value).toEqual(values);
  });

  it("empty list", () => {
    expectInvalid(() => parseRunFilter("run_id IN ()"), "expected a non-empty list of string values, but got empty list");
  });

  it.each(["(1)", "('a', 2)", "(None)", "(['a'])", "(a)"])("non-string items %s", (list) => {
    expectInvalid(() => parseRunFilter(`run_id IN ${list}`), "While parsing a list in the query");
  });

  it.each(["('a',,)", "('a' 'b',, 'c')", "(,)"])("ill-formed %s", (list) => {
    expectInvalid(() => parseRunFilter(`run_id IN ${list}`), "got ill-formed list");
  });

  it("IN needs parentheses", () => {
    expectInvalid(() => parseRunFilter("run_id IN 'a'"), "Invalid clause(s) in filter string");
  });
});

describe("parseRunFilter: clause structure", () => {
  it("AND chains, any case", () => {
    const f = parseRunFilter("metrics.a > 1 AND params.b = 'x' and tags.c != 'y' And status = 'RUNNING'");
    expect(f.map((c) => c.type)).toEqual(["metric", "parameter", "tag", "attribute"]);
  });

  it("tolerates what MLflow tolerates: missing or doubled AND, no spaces", () => {
    expect(parseRunFilter("metrics.a>1 metrics.b<2")).toHaveLength(2);
    expect(parseRunFilter("AND metrics.a > 1 AND AND metrics.b < 2")).toHaveLength(2);
    expect(parseRunFilter("metrics.a > 1 AND")).toHaveLength(1);
    expect(one("metrics.a>=-1")).toMatchObject({ comparator: ">=", value: -1 });
    expect(one("params.p='x'")).toMatchObject({ value: "x" });
  });

  it.each([
    "metrics.a > 1 OR metrics.b > 1",
    "(metrics.a > 1)",
    "NOT metrics.a > 1",
    "metrics.a >",
    "> 1",
    "metrics.a",
    "metrics.a > 1;",
    "metrics.a > 1 -- comment",
    "metrics.a BETWEEN 1 AND 2",
    "params.a = 'x' params.b",
  ])("rejects %j", (f) => {
    expectInvalid(() => parseRunFilter(f), "Invalid clause(s) in filter string");
  });

  it("lists every offending token", () => {
    expectInvalid(() => parseRunFilter("metrics.a > 1 OR foo"), "Invalid clause(s) in filter string: 'OR', 'foo'");
  });

  it("rejects several statements", () => {
    expectInvalid(() => parseRunFilter("metrics.a > 1; metrics.b > 1"), "Search filter contained multiple expression");
  });

  it("value on the left is not an identifier", () => {
    expectInvalid(() => parseRunFilter("'x' = params.a"), "Invalid comparison clause. Expected 'Identifier' found ''x''");
  });

  it("parse errors win over comparator errors in later clauses, like MLflow's two stages", () => {
    expectInvalid(() => parseRunFilter("params.a > 'x' AND metrics.b = 'y'"), "Expected numeric value type for metric");
  });

  it("unterminated strings are garbage, not crashes", () => {
    expectInvalid(() => parseRunFilter("params.a = 'x"));
    expectInvalid(() => parseRunFilter('params.a = "x'));
    expectInvalid(() => parseRunFilter("params.`a = 'x'"));
    expectInvalid(() => parseRunFilter("run_id IN ('a'"));
  });
});
