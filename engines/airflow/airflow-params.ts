import type * as z from "zod";
import type { ParamsSchema } from "../../src/index.js";
import { errorMessage, paramsJsonSchema } from "../../src/engine.js";
import { AirflowExportError } from "./errors.js";
import { toPyValue, type PyValue } from "./py-literal.js";

/** One Airflow `Param`, derived from one field of the workflow's zod params schema. */
export interface AirflowParamSpec {
  name: string;
  /**
   * The default; `null` for an optional field without one; `undefined` for a required field,
   * which Airflow then demands in every run's conf.
   */
  default: PyValue | undefined;
  description: string | null;
  /** JSON Schema of the field (as Airflow's Param takes it), without `default`/`description`. */
  schema: Record<string, PyValue>;
  /**
   * Optional without a default and not nullable: Airflow holds it as `None`, which must not
   * reach the task as an explicit `null` (the zod schema would reject it).
   */
  omitWhenNone: boolean;
}

/**
 * Airflow params for a workflow's params schema, in the schema's field order: names, JSON
 * Schema types (so Airflow's trigger form offers the right inputs and checks types before a
 * run), defaults and descriptions. wfkit still validates every run's params with the zod schema
 * on the worker, which also covers what JSON Schema cannot say (refinements, transforms).
 */
export function airflowParams(schema: ParamsSchema | undefined, dagId: string): AirflowParamSpec[] {
  if (schema === undefined) return [];
  let json: Record<string, unknown>;
  try {
    json = paramsJsonSchema(schema) as Record<string, unknown>;
  } catch (error) {
    throw new AirflowExportError(`${dagId}: zod cannot turn the params schema into JSON Schema (${errorMessage(error)}); simplify the schema until z.toJSONSchema accepts it`, {
      cause: error,
    });
  }
  const properties = (json["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json["required"] ?? []) as string[]);
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.keys(shape).map((name) => {
    const { default: defaultValue, description, ...rest } = withoutSafeIntegerBounds(properties[name] ?? {});
    const hasDefault = defaultValue !== undefined;
    let fieldSchema: Record<string, PyValue>;
    try {
      fieldSchema = toPyValue(rest, `param ${name}`) as Record<string, PyValue>;
    } catch (error) {
      throw new AirflowExportError(`${dagId}: param "${name}" cannot be written as an Airflow Param: ${errorMessage(error)}; change its schema so that its JSON Schema holds only JSON values`, { cause: error });
    }
    const optional = !required.has(name) && !hasDefault;
    if (optional) fieldSchema = allowNull(fieldSchema);
    let pyDefault: PyValue | undefined = optional ? null : undefined;
    if (hasDefault) {
      try {
        pyDefault = toPyValue(defaultValue, `the default of param ${name}`);
      } catch (error) {
        throw new AirflowExportError(
          `${dagId}: ${errorMessage(error)}; give param "${name}" a JSON default (string, number, boolean, null, array, object)`,
          { cause: error },
        );
      }
    }
    return {
      name,
      default: pyDefault,
      description: typeof description === "string" ? description : null,
      schema: fieldSchema,
      omitWhenNone: optional && !shape[name]!.safeParse(null).success,
    };
  });
}

/** The same schema, also accepting `null` (Airflow's marker for "not given"). */
function allowNull(schema: Record<string, PyValue>): Record<string, PyValue> {
  const type = schema["type"];
  if (typeof type === "string" || Array.isArray(type)) {
    const types = typeof type === "string" ? [type] : [...(type as string[])];
    const out: Record<string, PyValue> = { ...schema, type: types.includes("null") ? types : [...types, "null"] };
    const allowed = schema["enum"];
    if (Array.isArray(allowed) && !allowed.includes(null)) out["enum"] = [...allowed, null];
    return out;
  }
  if (Object.keys(schema).length === 0) return schema; // accepts anything already
  return { anyOf: [{ type: "null" }, schema] };
}

/**
 * The field's JSON Schema without the bounds zod gives every plain `z.number().int()`
 * (±9007199254740991, JavaScript's safe integers): Airflow's trigger form would show them as
 * the field's maximum and minimum, which nobody chose. Bounds the user set stay.
 */
function withoutSafeIntegerBounds(schema: Record<string, unknown>): Record<string, unknown> {
  const out = { ...schema };
  if (out["maximum"] === Number.MAX_SAFE_INTEGER) delete out["maximum"];
  if (out["minimum"] === Number.MIN_SAFE_INTEGER) delete out["minimum"];
  return out;
}
