import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PyCode, pyInt, pyLines, pyNumber, pyStr, pyValue, toPyValue } from "../../../../engines/airflow/index.js";

/** Evaluate Python literals with the real Python parser; returns each value as JSON. */
function pythonEval(literals: string[]): unknown[] {
  const script = [
    "import ast, json, sys",
    "out = []",
    "for line in sys.stdin.read().split('\\n\\0\\n'):",
    "    if line:",
    "        out.append(ast.literal_eval(line))",
    "sys.stdout.write(json.dumps(out))",
  ].join("\n");
  const stdout = execFileSync("python3", ["-c", script], { input: literals.join("\n\0\n") + "\n\0\n", maxBuffer: 1 << 26 });
  return JSON.parse(stdout.toString("utf8")) as unknown[];
}

const hostile = [
  "'''",
  '"""',
  "\\",
  "\\\\n",
  'a"b',
  "line1\nline2\r\nline3",
  "{{ dag_run.conf }}",
  "{% raw %}{% endraw %}",
  "$(touch /tmp/pwned)",
  "`id`",
  "\u0000\u0007\u001b[31m",
  "naïve — 東京 🚀",
  "\u2028\u2029",
  "\u202eevil\u202c",
  "\ud800",
  "\udc00x",
  "\ufeff",
  "# comment\nimport os\nos.system('id')",
  '"); import os; os.system("id"); ("',
];

describe("pyStr", () => {
  it("writes pure ASCII on one line", () => {
    for (const text of hostile) {
      const code = pyStr(text).code;
      expect(code).toMatch(/^"[\x20-\x7e]*"$/);
    }
  });

  it("round-trips hostile strings through Python's own parser", () => {
    expect(pythonEval(hostile.map((t) => pyStr(t).code))).toEqual(hostile);
  });

  it("round-trips random strings, including lone surrogates and astral characters (property)", () => {
    const samples = fc.sample(
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.string({ unit: "grapheme", maxLength: 20 }),
        fc.string({ unit: fc.constantFrom("\\", '"', "'", "\n", "\r", "{", "}", "%", "#", "$", "`", "\u0000", "\ud83d", "\ude80"), maxLength: 30 }),
      ),
      { numRuns: 2000, seed: 20261122 },
    );
    const literals = samples.map((s) => pyStr(s).code);
    for (const code of literals) expect(code).toMatch(/^"[\x20-\x7e]*"$/);
    expect(pythonEval(literals)).toEqual(samples);
  });
});

describe("pyLines", () => {
  it("gives the same value as pyStr, one literal per line", () => {
    const text = "a\nb \"c\"\n\\d\n";
    const code = pyLines(text).code;
    expect(code.split("\n")).toHaveLength(5);
    expect(pythonEval([code.replace(/\n/g, " ")])).toEqual([text]);
  });
});

describe("pyValue", () => {
  it("turns JSON data into the equal Python value", () => {
    const data = { b: [1, 2.5, -0.125, 1e21, true, false, null], a: { "x'y": "z\n" }, "": "" };
    const value = toPyValue(data);
    expect(pythonEval([pyValue(value).code])).toEqual([data]);
    expect(Object.keys(value as object)).toEqual(["", "a", "b"]);
  });

  it("keeps a __proto__ key (JSON.parse makes one; assigning it would set the prototype and drop it)", () => {
    const data = JSON.parse('{"a": {"__proto__": {"x": 1}, "b": 2}}') as unknown;
    const value = toPyValue(data);
    const a = (value as Record<string, object>)["a"]!;
    expect(Object.keys(a)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(pythonEval([pyValue(value).code])).toEqual([data]);
  });

  it("rejects what JSON cannot hold, naming where", () => {
    expect(() => toPyValue({ when: new Date(0) })).toThrow(/value\.when is a Date/);
    expect(() => toPyValue([Number.NaN])).toThrow(/value\[0\] is NaN/);
    expect(() => pyNumber(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => pyInt(1.5)).toThrow();
  });

  it("marks its output as code", () => {
    expect(pyStr("x")).toBeInstanceOf(PyCode);
    expect(pyNumber(3).code).toBe("3");
    expect(pyNumber(0.1).code).toBe("0.1");
  });
});
