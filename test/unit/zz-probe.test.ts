import { it } from "vitest";
import { fromBinary } from "@bufbuild/protobuf";
import { ExportTraceServiceRequestSchema } from "../../src/protocol/otlp/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb";
import { mlflowSpansOf } from "../../src/services/otlp-spans";
import { storedSpan } from "../../src/services/span-rows";
import { translateForStorage } from "../../src/services/span-translation";
import { pyDumps } from "../../src/lib/py-json";
// @ts-ignore
import { otlpBatch } from "../../bench/lib/trace-bench.mjs";
it("probe", () => {
  const body = otlpBatch(10);
  const req = fromBinary(ExportTraceServiceRequestSchema, body);
  const spans = mlflowSpansOf(req);
  for (let round = 0; round < 4; round++) {
    let t = performance.now();
    for (let i = 0; i < 50; i++) spans.map(storedSpan);
    const store = (performance.now() - t) / 50;
    t = performance.now();
    for (let i = 0; i < 50; i++) spans.map((s) => translateForStorage(s.attributes));
    const tr = (performance.now() - t) / 50;
    console.log(`rows ${store.toFixed(2)} ms (translate ${tr.toFixed(2)}) per 50-span batch`);
  }
});
