// What MLflow 3.18 checks inside a serialized scorer, and where its judge model lives.
import { describe, expect, it } from "vitest";
import { pyDumps, pyLoads, type PyDict } from "../../../src/lib/python-json";
import { extractModel, gatewayEndpointOf, hasCallSource, replaceModel, validateScorerPayload } from "../../../src/services/scorer-payload";

const d = (text: string) => pyLoads(text) as PyDict;

describe("serialized scorers", () => {
  it("finds the model in each kind of scorer and replaces it in place", () => {
    expect(extractModel(d('{"instructions_judge_pydantic_data": {"model": "gateway:/ep"}}'))).toBe("gateway:/ep");
    expect(extractModel(d('{"builtin_scorer_pydantic_data": {"model": "openai:/x"}}'))).toBe("openai:/x");
    expect(extractModel(d('{"memory_augmented_judge_data": {"base_judge": {"builtin_scorer_pydantic_data": {"model": "m:/n"}}}}'))).toBe("m:/n");
    expect(extractModel(d('{"builtin_scorer_pydantic_data": null, "call_source": "x"}'))).toBeNull();
    expect(pyDumps(replaceModel(d('{"a": 1, "builtin_scorer_pydantic_data": {"model": "gateway:/ep", "z": 2}}'), "gateway:/abc"))).toBe(
      '{"a": 1, "builtin_scorer_pydantic_data": {"model": "gateway:/abc", "z": 2}}',
    );
    expect(gatewayEndpointOf("gateway:/ep")).toBe("ep");
    expect(gatewayEndpointOf("gateway://ep")).toBe("ep");
    expect(gatewayEndpointOf("openai:/gpt")).toBeNull();
    expect(gatewayEndpointOf("gateway:/")).toBeNull();
  });

  it("refuses custom code (unless enabled), empty sources and steering kwargs", () => {
    const ensemble = d('{"ensemble_scorer_data": {"scorers": [{"name": "inner", "call_source": "return 1"}]}}');
    expect(hasCallSource(ensemble)).toBe(true);
    expect(() => validateScorerPayload(ensemble, false)).toThrow("Custom scorer registration (using @scorer decorator) is disabled by default");
    expect(() => validateScorerPayload(ensemble, true)).not.toThrow();
    expect(() => validateScorerPayload(d('{"name": "e", "call_source": "  "}'), true)).toThrow("Scorer 'e' has no source code");
    expect(() => validateScorerPayload(d('{"third_party_scorer_data": {"kwargs": [1]}}'), false)).toThrow("third_party_scorer_data.kwargs must be a JSON object, got list.");
    expect(() => validateScorerPayload(d('{"x": {"third_party_scorer_data": {"kwargs": {"o": [["base_url", "h"]], "api_base": 1}}}}'), false)).toThrow(
      "third_party_scorer_data.kwargs must not contain 'api_base', 'base_url'",
    );
  });
});
