/**
 * Typed escaping for Python source. Every value that reaches a generated DAG file goes through
 * one of these functions and comes back as {@link PyCode}; the DAG template accepts nothing
 * else, so a user's string can only ever become the *value* of a Python literal.
 */

/** A fragment of Python source produced by a function of this module. */
export class PyCode {
  /** Use the functions of this module instead; the constructor is public only for `instanceof`. */
  constructor(readonly code: string) {}
  toString(): string {
    return this.code;
  }
}

/** A JSON-like value that has a Python literal form. */
export type PyValue = null | boolean | number | string | readonly PyValue[] | { readonly [key: string]: PyValue };

/**
 * A double-quoted, pure-ASCII Python `str` literal whose value is exactly `text`. Printable ASCII
 * other than `\` and `"` is kept; everything else is written as `\n`, `\xNN`, `\uNNNN` or
 * `\UNNNNNNNN`, so no character of the input can end the literal, start a new line of code or
 * smuggle in bidirectional-control tricks.
 */
export function pyStr(text: string): PyCode {
  return new PyCode(`"${text.replace(UNSAFE, escapeCodePoint)}"`);
}

/** Everything but printable ASCII, `"` and `\`; with the `u` flag a surrogate pair is one match. */
const UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/gu;

function escapeCodePoint(ch: string): string {
  switch (ch) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
  }
  // A lone surrogate stays a lone surrogate (Python allows "\ud800"), so the value is exact.
  const cp = ch.codePointAt(0)!;
  return cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
}

/** A Python `int` literal; throws for anything but a safe integer. */
export function pyInt(value: number): PyCode {
  if (!Number.isSafeInteger(value)) throw new TypeError(`pyInt: ${String(value)} is not a safe integer; use pyNumber for other numbers`);
  return new PyCode(String(value));
}

/** A Python `int` or `float` literal for a finite number. */
export function pyNumber(value: number): PyCode {
  if (!Number.isFinite(value)) throw new TypeError(`pyNumber: ${String(value)} is not a finite number, which is all a Python literal here can hold`);
  if (Number.isSafeInteger(value)) return new PyCode(String(value));
  // JavaScript's shortest round-trip form (`1.5`, `1e+21`, `5e-324`) is valid Python float syntax.
  const text = String(value);
  return new PyCode(/[.e]/.test(text) ? text : `${text}.0`);
}

/**
 * `datetime.datetime(…, tzinfo=datetime.timezone.utc)` for an instant (the time only when it is
 * not midnight, milliseconds as microseconds); throws for an invalid date. Needs `import datetime`.
 */
export function pyDateTime(date: Date): PyCode {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError("pyDateTime: an invalid Date");
  const parts = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds() * 1000];
  if (time.some((t) => t !== 0)) parts.push(...time);
  return new PyCode(`datetime.datetime(${parts.join(", ")}, tzinfo=datetime.timezone.utc)`);
}

/** `datetime.timedelta(seconds=…)`, or `None` for no duration. Needs `import datetime`. */
export function pyTimedelta(seconds: number | undefined): PyCode {
  return seconds === undefined ? new PyCode("None") : new PyCode(`datetime.timedelta(seconds=${pyNumber(seconds).code})`);
}

/** `True` or `False`. */
export function pyBool(value: boolean): PyCode {
  return new PyCode(value ? "True" : "False");
}

/**
 * The Python literal of a JSON-like value: `None`, `True`/`False`, numbers, `str` via
 * {@link pyStr}, lists and dicts (keys in the order given: sort them first for stable output).
 */
export function pyValue(value: PyValue): PyCode {
  if (value === null) return new PyCode("None");
  if (typeof value === "boolean") return pyBool(value);
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyStr(value);
  if (Array.isArray(value)) return new PyCode(`[${value.map((v) => pyValue(v).code).join(", ")}]`);
  const entries = Object.entries(value as Record<string, PyValue>);
  return new PyCode(`{${entries.map(([k, v]) => `${pyStr(k).code}: ${pyValue(v).code}`).join(", ")}}`);
}

/**
 * A multi-line text as a parenthesised run of `str` literals, one per line of the text, which
 * Python joins into one string: the same value as {@link pyStr}, readable in the file.
 */
export function pyLines(text: string, indent = "    "): PyCode {
  const lines = text.split(/(?<=\n)/);
  if (lines.length <= 1) return pyStr(text);
  return new PyCode(`(\n${lines.map((line) => `${indent}${pyStr(line).code}`).join("\n")}\n)`);
}

/**
 * The JSON text of a value on one line of printable ASCII, for the end of a `#` comment: JSON
 * escapes line breaks and control characters, and every other character outside printable ASCII
 * (DEL, U+0085, U+2028, U+2029, any non-ASCII) is written as `\uNNNN` too, so nothing in it can
 * end the comment, whoever reads the file (Python, an editor, a reader that splits lines on
 * Unicode breaks). Keys in the order given: sort them first for stable output.
 */
export function pyCommentJson(value: PyValue): PyCode {
  return new PyCode(JSON.stringify(value).replace(/[^\x20-\x7e]/g, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`));
}

/**
 * JSON data as a plain value: `undefined` members dropped, keys sorted (deterministic output),
 * anything JSON cannot hold rejected with the path to it.
 */
export function toPyValue(value: unknown, path = "value"): PyValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is ${String(value)}, which has no JSON form`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toPyValue(v === undefined ? null : v, `${path}[${i}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, PyValue> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      // Defined, not assigned: `out["__proto__"] = …` would set the prototype and drop the key.
      Object.defineProperty(out, key, { value: toPyValue(member, `${path}.${key}`), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new TypeError(`${path} is ${value instanceof Date ? "a Date" : typeof value}, which has no JSON form`);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}
