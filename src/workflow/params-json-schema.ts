import * as z from "zod";
import { deepFreeze } from "../util/deep-freeze.js";
import type { ParamsSchema } from "./params.js";

const cache = new WeakMap<object, Readonly<Record<string, unknown>>>();

/**
 * The params schema as JSON Schema, input side (what a caller passes: defaults make fields
 * optional), frozen and computed once per schema: the dag hash and every export need it, and
 * zod's conversion is the costliest part of exporting a workflow. Types zod cannot express
 * (transforms, dates) become `{}`. Throws when zod cannot convert the schema at all.
 */
export function paramsJsonSchema(schema: ParamsSchema): Readonly<Record<string, unknown>> {
  let json = cache.get(schema);
  if (json === undefined) {
    json = deepFreeze(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>);
    cache.set(schema, json);
  }
  return json;
}

/**
 * The params Airflow demands in every run's conf: required in the schema and without a default.
 * Empty when the schema has no JSON Schema form (the export reports that).
 */
export function requiredParams(schema: ParamsSchema): string[] {
  let json: { properties?: Record<string, { default?: unknown }>; required?: string[] };
  try {
    json = paramsJsonSchema(schema) as typeof json;
  } catch {
    return [];
  }
  return (json.required ?? []).filter((name) => json.properties?.[name]?.default === undefined);
}
