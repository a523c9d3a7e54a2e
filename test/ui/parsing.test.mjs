// Unit tests of the UI's pure parsing modules (loaded with Node's TypeScript type stripping).
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCsv } from "../../ui/src/csv.ts";
import { num, parseJson } from "../../ui/src/json.ts";

test("int64 values beyond 2^53 stay exact; ordinary numbers stay numbers", () => {
  const text = '{"a":9007199254740993,"b":-12345678901234567890,"c":0.9733066714170684,"d":1.5e+300,"e":1795687718777,"s":"12345678901234567890","f":12345678901234567.5}';
  const v = parseJson(text);
  assert.equal(v.a, "9007199254740993");
  assert.equal(v.b, "-12345678901234567890");
  assert.equal(v.c, 0.9733066714170684);
  assert.equal(v.d, 1.5e300);
  assert.equal(v.e, 1795687718777);
  assert.equal(v.s, "12345678901234567890");
  assert.equal(typeof v.f, "number");
  assert.equal(num(v.a), 9007199254740992);
});

test("strings containing quotes and digits are not altered", () => {
  const text = '{"k":"say \\"12345678901234567890\\" ok","n":[1,22222222222222222222]}';
  const v = parseJson(text);
  assert.equal(v.k, 'say "12345678901234567890" ok');
  assert.deepEqual(v.n, [1, "22222222222222222222"]);
});

test("CSV: quoted fields, doubled quotes, CRLF, and the row cap", () => {
  const rows = parseCsv('a,b\r\n"x, y","he said ""hi"""\r\n1,2\n3,4', ",", 3);
  assert.deepEqual(rows, [
    ["a", "b"],
    ["x, y", 'he said "hi"'],
    ["1", "2"],
  ]);
  assert.deepEqual(parseCsv("a\tb\n1\t2", "\t", 10), [
    ["a", "b"],
    ["1", "2"],
  ]);
});
