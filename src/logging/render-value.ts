import { inspect } from "node:util";
import { configure } from "safe-stable-stringify";

const stringify = configure({ deterministic: false, circularValue: "[Circular]", bigint: true });

// Characters JSON.stringify would escape; most log strings have none and are quoted as they are.
const JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as a JSON string literal. */
export function jsonString(text: string): string {
  return JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** An error as plain data: name, message, stack and its causes. */
export function errorData(error: Error, depth = 0): Record<string, unknown> {
  const data: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) data["stack"] = error.stack;
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) data["cause"] = cause instanceof Error && depth < 8 ? errorData(cause, depth + 1) : cause;
  return data;
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? errorData(value) : value;
}

/** Any field value as JSON text; undefined for values JSON leaves out (undefined, functions). */
export function jsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : jsonString(String(value));
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return jsonString(value.toString());
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      if (value === null) return "null";
      if (value instanceof Error) return stringify(errorData(value));
      return stringify(value, replacer);
  }
}

/** Any field value as one line of plain text (strings as they are). */
export function textValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "";
    default:
      if (value === null) return "null";
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
      return stringify(value, replacer) ?? inspect(value, { breakLength: Infinity });
  }
}
