import type * as z from "zod";
import { CatalogNameSchema } from "./catalog-name.js";

/**
 * What a task declares it reads (`static inputs`) or writes (`static outputs`) in the run's
 * catalog: names, or names each with a zod schema for a JSON value (`null`: no schema).
 *
 * ```ts
 * static inputs = ["orders"];
 * static outputs = { summary: z.object({ rows: z.number() }), report: null };
 * ```
 */
export type DataDeclaration = readonly string[] | Readonly<Record<string, z.ZodType | null>>;

/** A declaration, checked: its names in order, and the schemas of those that have one. */
export interface DeclaredData {
  readonly names: readonly string[];
  readonly schemas: ReadonlyMap<string, z.ZodType>;
}

/** `value` (a task class's `inputs` or `outputs`) checked, or what is wrong with it. */
export function parseDataDeclaration(value: unknown): { data: DeclaredData } | { problem: string } {
  let entries: [unknown, unknown][];
  if (Array.isArray(value)) entries = value.map((name: unknown) => [name, null]);
  else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) entries = Object.entries(value);
  else return { problem: "must be an array of catalog names, or a plain object of catalog names to zod schemas (or null)" };
  const names: string[] = [];
  const schemas = new Map<string, z.ZodType>();
  for (const [name, schema] of entries) {
    if (typeof name !== "string" || !CatalogNameSchema.safeParse(name).success) {
      return { problem: `holds ${JSON.stringify(name)}, which is not a catalog name (1-128 ASCII letters, digits, '_', '.', '-', no '/' or '..')` };
    }
    if (names.includes(name)) return { problem: `names ${JSON.stringify(name)} twice` };
    if (schema !== null && schema !== undefined) {
      if (typeof (schema as { safeParse?: unknown }).safeParse !== "function") return { problem: `gives ${JSON.stringify(name)} something that is not a zod schema (or null)` };
      schemas.set(name, schema as z.ZodType);
    }
    names.push(name);
  }
  return { data: { names, schemas } };
}

/** `reads orders, clean; writes report`: a task's declared catalog data for export docs, or undefined when it declares none. */
export function declaredDataText(node: { readonly inputs?: DeclaredData | undefined; readonly outputs?: DeclaredData | undefined }): string | undefined {
  const parts: string[] = [];
  if (node.inputs !== undefined) parts.push(`reads ${node.inputs.names.length === 0 ? "nothing" : node.inputs.names.join(", ")}`);
  if (node.outputs !== undefined) parts.push(`writes ${node.outputs.names.length === 0 ? "nothing" : node.outputs.names.join(", ")}`);
  return parts.length === 0 ? undefined : parts.join("; ");
}
