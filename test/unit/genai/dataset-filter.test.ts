// search_evaluation_datasets filters and order_by: what MLflow 3.18 accepts and its messages.
import { describe, expect, it } from "vitest";
import { parseDatasetFilter, parseDatasetOrderBy } from "../../../src/search/dataset-filter";

describe("dataset search grammar", () => {
  it("parses attributes, tags and name lists", () => {
    expect(parseDatasetFilter("name = 'a' AND tags.team LIKE 't%' AND created_time > 5 AND name IN ('x', 'y')")).toEqual([
      { type: "attribute", key: "name", comparator: "=", value: { kind: "string", value: "a" } },
      { type: "tag", key: "team", comparator: "LIKE", value: { kind: "string", value: "t%" } },
      { type: "attribute", key: "created_time", comparator: ">", value: { kind: "int", value: 5 } },
      { type: "attribute", key: "name", comparator: "IN", value: { kind: "list", values: ["x", "y"] } },
    ]);
    expect(parseDatasetFilter("")).toEqual([]);
  });

  it("refuses what MLflow refuses, with its messages", () => {
    const cases: [string, string][] = [
      ["bogus = 1", "Invalid attribute key 'bogus' specified. Valid keys are: "],
      ["params.x = 'a'", "Invalid identifier token 'params' specified"],
      ["created_time > 1.5", "Invalid value for numeric attribute 'created_time': '1.5'"],
      ["created_time LIKE 1", "Invalid comparator for numeric attribute: LIKE"],
      ["tags.x > 'a'", "Invalid comparator for tag: >"],
      ["name NOT IN ('a')", "List values for 'name' are only supported with the IN comparator."],
      ["created_by IN ('a')", "Only ['name'] attributes support comparison with a list of quoted string values."],
      ["name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: "],
    ];
    for (const [filter, message] of cases) expect(() => parseDatasetFilter(filter), filter).toThrow(message);
  });

  it("orders by name or times, newest first by default", () => {
    expect(parseDatasetOrderBy([])).toEqual([{ key: "created_time", ascending: false }]);
    expect(parseDatasetOrderBy(["name", "last_update_time DESC"])).toEqual([
      { key: "name", ascending: true },
      { key: "last_update_time", ascending: false },
    ]);
    expect(() => parseDatasetOrderBy(["created_by"])).toThrow("Invalid attribute key 'created_by' specified. Valid keys are: ");
  });
});
