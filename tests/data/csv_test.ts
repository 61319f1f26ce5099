import assert from "node:assert/strict";
import {
  encodeLabeledCsv,
  LABELED_HEADER,
  parseLabeledCsv,
  parseUnlabeledCsv,
  readLabeledCsv,
  UNLABELED_HEADER,
  writeLabeledCsv,
} from "../all.ts";

const enc = (text: string) => new TextEncoder().encode(text);
/** One labeled row: label, then 784 pixels where pixel k = k % 256 unless overridden. */
function row(label: string | number, set: Record<number, string> = {}, pixels = 784): string {
  const fields = [String(label)];
  for (let k = 0; k < pixels; k++) fields.push(set[k] ?? String(k % 256));
  return fields.join(",");
}
const unlabeledRow = (set: Record<number, string> = {}) => row("", set).slice(1);
const file = (...lines: string[]) => enc(lines.join("\n") + "\n");
const rejects = (text: Uint8Array, message: string) =>
  assert.throws(() => parseLabeledCsv(text, "train.csv"), {
    message: `Cannot read train.csv: ${message}`,
  });

Deno.test("parseLabeledCsv() reads labels and pixels sample-major", () => {
  const d = parseLabeledCsv(file(LABELED_HEADER, row(3), row(9, { 0: "255", 783: "7" })), "t.csv");
  assert.equal(d.count, 2);
  assert.deepEqual([...d.labels], [3, 9]);
  assert.equal(d.pixels.length, 2 * 784);
  assert.equal(d.pixels[1], 1);
  assert.equal(d.pixels[300], 300 % 256);
  assert.equal(d.pixels[784], 255);
  assert.equal(d.pixels[2 * 784 - 1], 7);
});

Deno.test("parseLabeledCsv() accepts CRLF, a UTF-8 BOM and a missing final newline", () => {
  const crlf = enc("\ufeff" + [LABELED_HEADER, row(1), row(2)].join("\r\n"));
  const d = parseLabeledCsv(crlf, "t.csv");
  assert.deepEqual([...d.labels], [1, 2]);
  assert.equal(d.pixels[783], 783 % 256);
  const plain = parseLabeledCsv(enc([LABELED_HEADER, row(1), row(2)].join("\n")), "t.csv");
  assert.deepEqual(plain.pixels, d.pixels);
  const trailing = parseLabeledCsv(
    enc([LABELED_HEADER, row(1), row(2)].join("\r\n") + "\r\n\r\n"),
    "t",
  );
  assert.deepEqual(trailing.pixels, d.pixels);
});

Deno.test("parseLabeledCsv() rejects an empty file and a header without rows", () => {
  rejects(enc(""), "the file is empty");
  rejects(enc("\ufeff"), "the file is empty");
  rejects(enc(LABELED_HEADER + "\n"), "the header has no rows below it");
  rejects(enc(LABELED_HEADER), "the header has no rows below it");
});

Deno.test("parseLabeledCsv() rejects a wrong or missing header, naming the field", () => {
  rejects(file(row(1), row(2)), 'line 1 is not a header, expected "label,pixel0,…,pixel783"');
  rejects(
    file(UNLABELED_HEADER, row(1)),
    'line 1 has no label column (this is the unlabeled test form), expected "label,pixel0,…,pixel783"',
  );
  rejects(
    file(LABELED_HEADER.replace("pixel5,", "pixl5,"), row(1)),
    'line 1, header field 7 is "pixl5", expected "pixel5"',
  );
  rejects(
    file(LABELED_HEADER.replace(",pixel783", ""), row(1)),
    'line 1 has 784 header fields, expected 785 ("label,pixel0,…,pixel783")',
  );
});

Deno.test("parseLabeledCsv() rejects a wrong column count with the line number", () => {
  rejects(file(LABELED_HEADER, row(1), row(2, {}, 783)), "line 3 has 784 fields, expected 785");
  rejects(file(LABELED_HEADER, row(1, {}, 785)), "line 2 has 786 fields, expected 785");
  rejects(
    file(LABELED_HEADER, row(1) + ","),
    "line 2 has 786 fields, expected 785",
  );
  rejects(file(LABELED_HEADER, "5"), "line 2 has 1 field, expected 785");
  rejects(file(LABELED_HEADER, "", row(1)), "line 2 is empty, expected 785 fields");
});

Deno.test("parseLabeledCsv() rejects labels outside 0–9 and pixels outside 0–255", () => {
  rejects(
    file(LABELED_HEADER, row(1), row(10)),
    "line 3, field label is 10, expected a digit from 0 to 9",
  );
  rejects(file(LABELED_HEADER, row(-1)), "line 2, field label is -1, expected a digit from 0 to 9");
  rejects(
    file(LABELED_HEADER, row(1, { 12: "256" })),
    "line 2, field pixel12 is 256, outside 0–255",
  );
  rejects(
    file(LABELED_HEADER, row(1, { 0: "-3" })),
    "line 2, field pixel0 is -3, expected an integer from 0 to 255",
  );
  rejects(
    file(LABELED_HEADER, row(1, { 0: "99999999999" })),
    "line 2, field pixel0 is 99999999999, outside 0–255",
  );
});

Deno.test("parseLabeledCsv() rejects non-integer and empty fields, never coercing them", () => {
  rejects(
    file(LABELED_HEADER, row(1, { 3: "1.5" })),
    'line 2, field pixel3 is "1.5", not an integer',
  );
  rejects(
    file(LABELED_HEADER, row(1, { 3: "NaN" })),
    'line 2, field pixel3 is "NaN", not an integer',
  );
  rejects(
    file(LABELED_HEADER, row(1, { 3: " 4" })),
    'line 2, field pixel3 is " 4", not an integer',
  );
  rejects(file(LABELED_HEADER, row(1, { 3: "" })), "line 2, field pixel3 is empty");
  rejects(file(LABELED_HEADER, row("")), "line 2, field label is empty");
  rejects(file(LABELED_HEADER, row("x")), 'line 2, field label is "x", not an integer');
  rejects(file(LABELED_HEADER, row(1, { 783: "" })), "line 2, field pixel783 is empty");
  rejects(
    enc(LABELED_HEADER + "\n" + row(1) + "\rx"),
    'line 2, field pixel783 is "15\rx", not an integer',
  );
});

Deno.test("parseUnlabeledCsv() reads Kaggle's test.csv form and rejects the labeled form", () => {
  const d = parseUnlabeledCsv(
    file(UNLABELED_HEADER, unlabeledRow({ 5: "200" }), unlabeledRow()),
    "test.csv",
  );
  assert.equal(d.count, 2);
  assert.equal(d.pixels[5], 200);
  assert.equal(d.pixels[784 + 5], 5);
  assert.throws(() => parseUnlabeledCsv(file(LABELED_HEADER, row(1)), "test.csv"), {
    message:
      'Cannot read test.csv: line 1 has a label column, expected the unlabeled form "pixel0,…,pixel783"',
  });
  assert.throws(
    () => parseUnlabeledCsv(file(UNLABELED_HEADER, unlabeledRow({ 0: "x" })), "test.csv"),
    {
      message: 'Cannot read test.csv: line 2, field pixel0 is "x", not an integer',
    },
  );
});

Deno.test("readLabeledCsv() names a missing file in one sentence", async () => {
  await assert.rejects(readLabeledCsv("no/such/train.csv"), {
    message: "Cannot read no/such/train.csv: no such file",
  });
});

Deno.test("writeLabeledCsv() round-trips through readLabeledCsv() and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  const pixels = new Uint8Array(3 * 784).map((_, k) => (k * 7) % 256);
  const digits = { count: 3, labels: new Uint8Array([0, 5, 9]), pixels };
  const path = `${dir}/out.csv`;
  await writeLabeledCsv(path, digits);
  const back = await readLabeledCsv(path);
  assert.deepEqual(back, digits);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.csv"]);
  const chunks = [...encodeLabeledCsv(digits, 2)];
  assert.equal(chunks.length, 3, "header + two chunks of at most two rows");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLabeledCsv() names a directory in one sentence, and reads after a failed read", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(readLabeledCsv(dir), { message: `Cannot read ${dir}: it is a directory` });
  await Deno.writeTextFile(`${dir}/t.csv`, [LABELED_HEADER, "3" + ",0".repeat(784)].join("\n"));
  assert.deepEqual([...(await readLabeledCsv(`${dir}/t.csv`)).labels], [3]);
  await Deno.remove(dir, { recursive: true });
});
