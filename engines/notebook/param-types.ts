import type { ParamsSchema } from "../../src/index.js";
import { paramsJsonSchema } from "../../src/engine.js";
import { TsCode, tsKey, tsValue } from "./ts-literal.js";

type JsonSchema = Readonly<Record<string, unknown>>;

/** One run parameter as the parameters cell writes it. */
export interface NotebookParam {
  name: string;
  /** Its TypeScript type, from the params' JSON Schema (input side). */
  type: TsCode;
  /** The default, or undefined when it has none. */
  default: unknown;
  /** A value is required (no default, not optional). */
  required: boolean;
  description: string | null;
}

/** The run parameters of a params schema, in the schema's order. */
export function notebookParams(schema: ParamsSchema | undefined): NotebookParam[] {
  if (schema === undefined) return [];
  const json = paramsJsonSchema(schema);
  const properties = (json["properties"] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json["required"] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const hasDefault = "default" in property;
    return {
      name,
      type: new TsCode(tsType(property)),
      default: hasDefault ? property["default"] : undefined,
      required: required.has(name) && !hasDefault,
      description: typeof property["description"] === "string" ? property["description"] : null,
    };
  });
}

const MAX_DEPTH = 8;

/**
 * A TypeScript type for a JSON Schema: primitives, `const`/`enum` literals, unions, arrays,
 * tuples, objects and records; `unknown` for anything else (and below eight levels).
 */
export function tsType(schema: JsonSchema, depth = 0): string {
  if (depth > MAX_DEPTH) return "unknown";
  const union = (parts: readonly string[]) => {
    const unique = [...new Set(parts)];
    return unique.includes("unknown") ? "unknown" : unique.join(" | ") || "never";
  };
  if ("const" in schema) return tsValue(schema["const"]).code;
  if (Array.isArray(schema["enum"])) return union(schema["enum"].map((v) => tsValue(v).code));
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return union(options.map((o) => tsType(o as JsonSchema, depth + 1)));
  }
  const type = schema["type"];
  if (Array.isArray(type)) return union(type.map((t) => tsType({ ...schema, type: t }, depth + 1)));
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return arrayType(schema, depth);
    case "object":
      return objectType(schema, depth);
    default:
      return "unknown";
  }
}

function arrayType(schema: JsonSchema, depth: number): string {
  const prefix = schema["prefixItems"];
  if (Array.isArray(prefix)) return `[${prefix.map((p) => tsType(p as JsonSchema, depth + 1)).join(", ")}]`;
  const items = schema["items"];
  const item = items && typeof items === "object" ? tsType(items as JsonSchema, depth + 1) : "unknown";
  return /^[\w.]+$/.test(item) ? `${item}[]` : `(${item})[]`;
}

function objectType(schema: JsonSchema, depth: number): string {
  const properties = schema["properties"] as Record<string, JsonSchema> | undefined;
  const required = new Set((schema["required"] ?? []) as string[]);
  const extra = schema["additionalProperties"];
  const fields = Object.entries(properties ?? {}).map(
    ([name, p]) => `${tsKey(name).code}${required.has(name) ? "" : "?"}: ${tsType(p, depth + 1)}`,
  );
  if (fields.length > 0) return `{ ${fields.join("; ")} }`;
  return `Record<string, ${extra && typeof extra === "object" ? tsType(extra as JsonSchema, depth + 1) : "unknown"}>`;
}
