/**
 * TypeScript source made from values: the only way a user's value reaches a notebook's code
 * cells. Each helper returns TsCode; the cell templates accept nothing else.
 */
export class TsCode {
  constructor(readonly code: string) {}
  toString(): string {
    return this.code;
  }
}

/**
 * A string literal. JSON's escaping is valid TypeScript; U+2028 and U+2029 are escaped as well
 * so the literal stays on one line in any editor, and lone surrogates come out as `\u` escapes.
 */
export function tsStr(text: string): TsCode {
  if (typeof text !== "string") throw new TypeError(`tsStr: expected a string, got ${typeof text}`);
  return new TsCode(JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"));
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property name in a type: bare when it is an identifier, else a string literal. */
export function tsKey(name: string): TsCode {
  return IDENTIFIER.test(name) ? new TsCode(name) : tsStr(name);
}

/**
 * A property name in an object literal. `__proto__`, bare or quoted, would set the object's
 * prototype there instead of adding a property, so it is written as a computed key.
 */
export function tsPropertyKey(name: string): TsCode {
  return name === "__proto__" ? new TsCode(`[${tsStr(name).code}]`) : tsKey(name);
}

/**
 * A JSON-shaped value as a TypeScript expression: null, booleans, finite numbers, strings,
 * arrays and plain objects (keys in their own order), over `indent` levels of two spaces;
 * `undefined` is written as `undefined`. Anything else throws a TypeError.
 */
export function tsValue(value: unknown, indent = 0): TsCode {
  return new TsCode(render(value, indent, new Set()));
}

function render(value: unknown, indent: number, seen: Set<object>): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`tsValue: ${value} has no JSON form; only finite numbers can be written`);
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "string") return tsStr(value).code;
  if (typeof value !== "object") throw new TypeError(`tsValue: cannot write a ${typeof value}; only JSON values (null, booleans, numbers, strings, arrays, plain objects)`);
  if (seen.has(value)) throw new TypeError("tsValue: the value is circular; only JSON values, which have no cycles, can be written");
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    throw new TypeError(`tsValue: cannot write a ${(value as object).constructor?.name ?? "object"}; only JSON values`);
  }
  seen.add(value);
  const pad = "  ".repeat(indent + 1);
  const end = "  ".repeat(indent);
  let out: string;
  if (Array.isArray(value)) {
    out = value.length === 0 ? "[]" : `[\n${value.map((v) => `${pad}${render(v, indent + 1, seen)},`).join("\n")}\n${end}]`;
  } else {
    const entries = Object.entries(value);
    out =
      entries.length === 0
        ? "{}"
        : `{\n${entries.map(([k, v]) => `${pad}${tsPropertyKey(k).code}: ${render(v, indent + 1, seen)},`).join("\n")}\n${end}}`;
  }
  seen.delete(value);
  return out;
}
