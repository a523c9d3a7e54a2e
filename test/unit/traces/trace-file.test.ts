/** The traces.json form of stored spans (src/services/trace-file.ts): verbatim unless reading translates a span. */
import { describe, expect, it } from "vitest";
import { traceSpansFile } from "../../../src/services/trace-file";
import { LOADED_TYPE_KEYS, mayTranslateLoaded } from "../../../src/services/span-translation";

const span = (attributes: Record<string, string>) =>
  JSON.stringify({ trace_id: "AAAA", span_id: "0000000000000001", parent_span_id: null, name: "s", attributes }).replace(/":/g, '": ').replace(/,"/g, ', "');

describe("traces.json from stored spans", () => {
  it("sends spans that reading cannot change as they are stored, unread", () => {
    const plain = span({ "mlflow.spanType": '"CHAIN"', "mlflow.spanInputs": '{"q": "hi"}' });
    const odd = plain.replace('"s"', '"s\u2028 with a \\"quote\\""'); // still valid, still unchanged
    expect(mayTranslateLoaded(plain)).toBe(false);
    expect(traceSpansFile([plain, odd])).toBe(`{"spans":[${plain},${odd}]}`);
  });

  it("reads and translates a span that names a convention's kind and has no type", () => {
    expect(LOADED_TYPE_KEYS).toContain("openinference.span.kind");
    const open = span({ "openinference.span.kind": '"LLM"' });
    expect(mayTranslateLoaded(open)).toBe(true);
    const file = JSON.parse(traceSpansFile([open]));
    expect(file.spans[0].attributes["mlflow.spanType"]).toBe('"LLM"');
    // A typed span naming a kind key is read, and left as stored.
    const typed = span({ "mlflow.spanType": '"TOOL"', "openinference.span.kind": '"LLM"' });
    expect(traceSpansFile([typed])).toBe(`{"spans":[${typed}]}`);
  });

  it("reads a span whose keys are written with escapes, to be sure", () => {
    const escaped = span({ "x": "1" }).replace('"x"', '"\\u006fpeninference.span.kind"').replace('"1"', '"\\"LLM\\""');
    expect(mayTranslateLoaded(escaped)).toBe(true);
    expect(JSON.parse(traceSpansFile([escaped])).spans[0].attributes["mlflow.spanType"]).toBe('"LLM"');
  });
});
