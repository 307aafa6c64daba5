import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { tsKey, tsPropertyKey, tsStr, tsValue } from "wfkit/notebook";

/** The statements of `code` as TypeScript parses it, failing on any syntax error. */
function parse(code: string): ts.NodeArray<ts.Statement> {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  return file.statements;
}

/** `code` must be exactly one string literal, and this is its value. */
function literalValue(code: string): string {
  const statements = parse(`(${code});`);
  expect(statements).toHaveLength(1);
  const expr = (statements[0] as ts.ExpressionStatement).expression as ts.ParenthesizedExpression;
  expect(ts.isStringLiteral(expr.expression)).toBe(true);
  return (expr.expression as ts.StringLiteral).text;
}

const HOSTILE = ['"); process.exit(1); ("', "`${process.exit(1)}`", "*/ process.exit(1); /*", "a\nb\r\nc", "\u2028\u2029", "\\", "</script>", "\ud800"];

describe("tsStr", () => {
  it.each(HOSTILE)("keeps %j a single string literal with the same value", (text) => {
    expect(literalValue(tsStr(text).code)).toBe(text);
    expect(tsStr(text).code).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it("round-trips any string through the TypeScript parser and through evaluation (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const code = tsStr(text).code;
        expect(literalValue(code)).toBe(text);
        expect(new Function(`return ${code};`)()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses what is not a string", () => {
    expect(() => tsStr(1 as unknown as string)).toThrow(TypeError);
  });
});

describe("tsKey", () => {
  it("leaves identifiers bare and quotes everything else", () => {
    expect(tsKey("minAmount").code).toBe("minAmount");
    expect(tsKey("$x_1").code).toBe("$x_1");
    expect(tsKey("min-amount").code).toBe('"min-amount"');
    expect(tsKey("a: 1, b").code).toBe('"a: 1, b"');
  });

  it("writes __proto__ as a computed key in object literals, where it would set the prototype", () => {
    expect(tsPropertyKey("__proto__").code).toBe('["__proto__"]');
    expect(tsPropertyKey("limit").code).toBe("limit");
    const value = new Function(`return ${tsValue(JSON.parse('{"__proto__": {"polluted": true}}')).code};`)() as object;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe("tsValue", () => {
  it("writes any JSON value as an expression that evaluates to it (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const code = tsValue(value, 1).code;
        parse(`const x = ${code};`);
        expect(new Function(`return ${code};`)()).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("writes undefined and -0, and refuses values that are not JSON", () => {
    expect(tsValue(undefined).code).toBe("undefined");
    expect(tsValue(-0).code).toBe("-0");
    expect(() => tsValue(Number.NaN)).toThrow(/no JSON form/);
    expect(() => tsValue(new Date())).toThrow(/only JSON values/);
    expect(() => tsValue(() => 1)).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop["self"] = loop;
    expect(() => tsValue(loop)).toThrow(/circular/);
  });
});
