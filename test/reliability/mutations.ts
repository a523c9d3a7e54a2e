// Malformed request bodies generated from a route's message declaration: each is derived from a
// valid body by one mutation that MLflow's handlers refuse (not JSON, wrong shape, a field of the
// wrong type, a required field missing, a field spelled two ways). Ids are placeholders (`@run_id@`)
// filled in per server, so the same seeded sample can go to ours and to the reference.
import fc from "fast-check";
import type { Field, Message } from "../../src/protocol/message";
import { required } from "../../src/protocol/message";
import { ROUTES } from "../../src/routes";

export interface Fixture {
  experiment_id: string;
  run_id: string;
  name: string;
  model_id: string;
}

/** Placeholders for the fixture's ids, filled in per server by `fill`. */
function locator(field: string): unknown {
  switch (field) {
    case "run_id":
      return "@run_id@";
    case "run_ids":
      return ["@run_id@"];
    case "experiment_id":
      return "@experiment_id@";
    case "experiment_ids":
      return ["@experiment_id@"];
    case "name":
      return "@name@";
    case "model_id":
      return "@model_id@";
    default:
      return undefined;
  }
}

/** A value of the field's own type, so that only the mutation makes the body wrong. */
function plausible(name: string, f: Field<unknown, boolean>): unknown {
  const loc = locator(name);
  if (loc !== undefined) return loc;
  if (f.repeated) return [];
  switch (f.kind) {
    case "string":
      return name === "version" ? "1" : "fuzz-key";
    case "int64":
    case "int32":
    case "double":
      return 1;
    case "bool":
      return false;
    case "enum":
      return f.enumValues![0];
    default:
      return {};
  }
}

/** A value the field's type refuses (protobuf's ParseDict would fail on it). */
function wrongTypeArb(f: Field<unknown, boolean>): fc.Arbitrary<unknown> {
  const objects = fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 });
  if (f.repeated) return fc.oneof(fc.string(), fc.integer(), objects);
  switch (f.kind) {
    case "string":
      return fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), objects);
    case "int64":
    case "int32":
      return fc.oneof(fc.string().filter((s) => !/^\s*-?\d+(\.0*)?(e\d+)?\s*$/i.test(s) && s.trim() !== ""), fc.double({ noInteger: true }), fc.array(fc.integer()), objects);
    case "double":
      return fc.oneof(fc.string().filter((s) => s.trim() === "" || Number.isNaN(Number(s))).filter((s) => !["NaN", "Infinity", "-Infinity", "inf", "-inf"].includes(s)), fc.array(fc.double()), objects);
    case "bool":
      return fc.oneof(fc.string(), fc.integer(), fc.array(fc.boolean()), objects);
    case "enum":
      return fc.oneof(fc.string().filter((s) => !f.enumValues!.includes(s)), fc.integer({ min: 1000 }), objects);
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer()));
  }
}

export type Mutation = { what: string; body: string | Uint8Array; contentType?: string };

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** One malformed request body for a message, derived from a valid one. */
export function mutationArb(m: Message<unknown>): fc.Arbitrary<Mutation> {
  const fields = Object.entries(m.fields);
  const valid = () => Object.fromEntries(fields.map(([n, f]) => [n, plausible(n, f)]));
  const arbs: fc.Arbitrary<Mutation>[] = [
    // not a JSON object at all
    fc.constantFrom<Mutation>(
      { what: "malformed", body: "{not json" },
      { what: "array", body: "[]" },
      { what: "string", body: '"x"' },
      { what: "deep", body: `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}` },
      { what: "utf8", body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
      { what: "content-type", body: "{}", contentType: "text/plain" },
    ),
    fc.nat().map((n) => {
      const json = JSON.stringify(valid());
      return { what: "truncated", body: json.slice(0, Math.max(1, n % json.length)) };
    }),
  ];
  if (fields.length > 0) {
    // one field of the wrong type
    arbs.push(
      fc.constantFrom(...fields).chain(([name, f]) => wrongTypeArb(f).map((v) => ({ what: `type:${name}`, body: JSON.stringify({ ...valid(), [name]: v }) }))),
    );
    // a required field missing
    const requiredFields = fields.filter(([, f]) => f.checks.includes(required));
    if (requiredFields.length > 0) {
      arbs.push(fc.constantFrom(...requiredFields).map(([name]) => {
        const body = valid();
        delete body[name];
        return { what: `missing:${name}`, body: JSON.stringify(body) };
      }));
    }
    // a field spelled both ways
    const aliased = fields.filter(([name]) => camel(name) !== name);
    if (aliased.length > 0) {
      arbs.push(fc.constantFrom(...aliased).map(([name, f]) => ({ what: `both:${name}`, body: JSON.stringify({ ...valid(), [camel(name)]: plausible(name, f) }) })));
    }
  }
  return fc.oneof(...arbs);
}


/** A mutation's body with the fixture's ids in place of the placeholders. */
export function fill(m: Mutation, fx: Fixture): string | Uint8Array {
  if (typeof m.body !== "string") return m.body;
  return m.body.replace(/@(run_id|experiment_id|name|model_id)@/g, (_, key: keyof Fixture) => fx[key]);
}

/** The JSON endpoints: every route that decodes a message and takes a body. */
export const JSON_ROUTES = ROUTES.flatMap((r) => {
  const method = r.methods.find((x) => x !== "GET");
  const path = r.paths[0]!;
  if (!r.message || !method || path.includes("*")) return [];
  return [{ name: r.name, method, path: path.replace(/:[a-z_]+/g, "fuzz-param"), message: r.message as Message<unknown> }];
});

/** Creates the ids the placeholders stand for, through `post`. */
export async function makeFixture(post: (rpc: string, body: unknown) => Promise<any>, tag: string): Promise<Fixture> {
  const experiment_id = (await post("/experiments/create", { name: `fuzz-${tag}` })).experiment_id;
  const run_id = (await post("/runs/create", { experiment_id, start_time: 1 })).run.info.run_id;
  const name = `fuzz-model-${tag}`;
  await post("/registered-models/create", { name });
  const model_id = (await post("/logged-models", { experiment_id })).model.info.model_id;
  return { experiment_id, run_id, name, model_id };
}
