import { describe, expect, it } from "vitest";
import { newExperiment } from "./helpers";
import { postOtlp, protobufBody, traceHex, v3 } from "./traces-helpers";

describe("OTLP ingestion", () => {
  it("stores a span and serves it back", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const res = await postOtlp(protobufBody([{ traceHex: t, spanHex: "00000000000000a1", name: "root", attributes: { "mlflow.spanType": '"CHAIN"', "mlflow.spanInputs": '{"q": "hi"}', n: 5n, f: 1.5 } }]), { experimentId: exp });
    expect(res.status, res.text).toBe(200);
    expect(res.roundTrips).toBeLessThanOrEqual(2);
    const info = await v3.get(`/traces/tr-${t}`);
    expect(info.status, info.text).toBe(200);
    console.log(JSON.stringify(info.body));
    const got = await v3.get("/traces/get", { trace_id: `tr-${t}` });
    console.log(got.text);
  });
});
