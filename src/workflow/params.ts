import type * as z from "zod";
import { didYouMeanSuffix } from "../util/did-you-mean.js";
import { ParamsValidationError } from "./errors.js";
import type { ValidationIssue } from "./validation-issue.js";
import { PARSE_ONCE } from "../util/parse-once.js";

/** A zod object schema for run parameters. */
export type ParamsSchema = z.ZodObject<z.ZodRawShape>;

interface ZodLike {
  _zod: {
    def: {
      type: string;
      innerType?: ZodLike;
      in?: ZodLike;
      defaultValue?: unknown;
      shape?: Record<string, ZodLike>;
      values?: unknown[];
      entries?: Record<string, unknown>;
    };
  };
  safeParse(
    value: unknown,
    context?: { jitless?: boolean },
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: { code?: string; path: PropertyKey[]; message: string }[] } };
}

const WRAPPERS = ["default", "prefault", "optional", "nullable", "readonly"];

// Introspection goes through `_zod.def` rather than `instanceof`, so a schema built with the
// user's own copy of zod is understood too.
function def(schema: unknown): ZodLike["_zod"]["def"] | undefined {
  return (schema as Partial<ZodLike> | undefined)?._zod?.def;
}

/** Whether `schema` is a zod object schema (from any copy of zod 4). */
export function isParamsSchema(schema: unknown): schema is ParamsSchema {
  return def(schema)?.type === "object";
}

/** The fields of a params schema. */
export function paramFields(schema: ParamsSchema): Record<string, unknown> {
  return schema.shape as Record<string, unknown>;
}

/**
 * The field's schema with default/optional/nullable/readonly wrappers removed, and of a pipe
 * (`z.string().transform(…)`) its input side.
 */
export function unwrapField(field: unknown): unknown {
  let current = field;
  for (let d = def(current); d && (WRAPPERS.includes(d.type) || d.type === "pipe"); d = def(current)) {
    current = d.type === "pipe" ? d.in : d.innerType;
  }
  return current;
}

/** Problems of the schema itself: not an object schema, or defaults that fail their own field schema. */
export function checkParamsSchema(schema: unknown): ValidationIssue[] {
  if (schema === undefined) return [];
  if (!isParamsSchema(schema)) {
    // zod 3 schemas keep their definition in `_def` (zod 4: `_zod.def`).
    const zod3 = typeof schema === "object" && schema !== null && "_def" in schema && !("_zod" in schema);
    return [
      {
        code: "invalid-params-schema",
        path: ["params"],
        tasks: [],
        message: zod3
          ? 'params is a zod 3 schema; wfkit needs zod 4: install zod@4, or import { z } from "zod/v4" with zod 3.25'
          : "params must be a zod object schema, e.g. z.object({ date: z.string() })",
      },
    ];
  }
  const issues: ValidationIssue[] = [];
  for (const [name, field] of Object.entries(paramFields(schema))) {
    // The default may sit under optional/nullable/readonly (`.default(0).optional()`).
    let d = def(field);
    while (d && WRAPPERS.includes(d.type) && d.type !== "default" && d.type !== "prefault") d = def(d.innerType);
    if (!d || (d.type !== "default" && d.type !== "prefault")) continue;
    // zod 4 returns a default as-is without checking it; a default that its own field rejects
    // would only surface at run time, so it is caught here.
    const inner = d.innerType as ZodLike;
    const result = inner.safeParse(d.defaultValue);
    if (!result.success) {
      const why = result.error.issues.map((i) => i.message).join("; ");
      issues.push({
        code: "invalid-params-default",
        path: ["params", name],
        tasks: [],
        message: `the default of param "${name}" (${JSON.stringify(d.defaultValue)}) fails its own schema: ${why}`,
      });
    }
  }
  return issues;
}

/**
 * Validate raw run parameters against the schema (defaults applied). Unknown names and bad values
 * are all reported at once in a ParamsValidationError.
 */
export function parseRunParams(
  schema: ParamsSchema | undefined,
  raw: Record<string, unknown>,
  workflow: string,
): Record<string, unknown> {
  if (schema === undefined) {
    const names = Object.keys(raw);
    if (names.length === 0) return {};
    throw new ParamsValidationError(
      workflow,
      names.map((param) => ({ param, message: "this workflow takes no parameters" })),
    );
  }
  const known = Object.keys(paramFields(schema));
  const problems: { param: string; message: string }[] = [];
  for (const name of Object.keys(raw)) {
    if (!known.includes(name)) {
      problems.push({
        param: name,
        message: `unknown parameter${didYouMeanSuffix(name, known)}; known: ${known.join(", ") || "(none)"}`,
      });
    }
  }
  const result = (schema as unknown as ZodLike).safeParse(raw, PARSE_ONCE);
  if (!result.success) {
    for (const issue of result.error.issues) {
      // A strict schema reports unknown names too; they are reported above, with suggestions.
      if (issue.code === "unrecognized_keys") continue;
      const param = issue.path.map(String).join(".") || "(params)";
      // zod says "expected string, received undefined" for a field left out: say it is required, and how to give it.
      const missing = issue.code === "invalid_type" && issue.path.length > 0 && !hasPath(raw, issue.path);
      const expected = (issue as { expected?: unknown }).expected;
      const how = issue.path.length === 1 ? `pass it, e.g. wf run -p ${param}=…` : `add it to ${String(issue.path[0])}`;
      const message = missing ? `required${typeof expected === "string" ? ` (${expected})` : ""} and not given; ${how}` : issue.message;
      problems.push({ param, message });
    }
  }
  if (problems.length > 0) throw new ParamsValidationError(workflow, problems);
  return (result as { data: Record<string, unknown> }).data;
}

/** Whether `path` leads to a value in `raw` (own properties only). */
function hasPath(raw: unknown, path: readonly PropertyKey[]): boolean {
  let current = raw;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key) || (current as Record<PropertyKey, unknown>)[key] === undefined) return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

/**
 * Turn a command-line `key=value` string into the value the field expects: the raw text for
 * string-like fields, otherwise JSON (`3`, `true`, `["a"]`), falling back to the raw text so
 * that the schema reports the mismatch.
 */
export function coerceParamValue(schema: ParamsSchema | undefined, name: string, text: string): unknown {
  const field = schema ? unwrapField(paramFields(schema)[name]) : undefined;
  const d = def(field);
  const type = d?.type;
  if (type === "string" || type === "template_literal") return text;
  if (type === "enum" || type === "literal") {
    // Raw text when every allowed value is a string; `z.literal(3)` needs JSON like a number.
    const allowed = type === "enum" ? Object.values(d?.entries ?? {}) : (d?.values ?? []);
    if (allowed.every((v) => typeof v === "string")) return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Whether a params field is marked secret in its schema: `.meta({ secret: true })` on the field
 * or on what a wrapper (`.optional()`, `.default()`…) wraps. Its value is then masked at every
 * exit, whatever the field's name.
 */
export function isSecretField(field: unknown): boolean {
  let current = field;
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    const meta = (current as { meta?: () => unknown }).meta;
    if (typeof meta === "function" && (meta.call(current) as { secret?: unknown } | undefined)?.secret === true) return true;
    const d = def(current);
    if (d === undefined || !(WRAPPERS.includes(d.type) || d.type === "pipe")) return false;
    current = d.type === "pipe" ? d.in : d.innerType;
  }
  return false;
}
