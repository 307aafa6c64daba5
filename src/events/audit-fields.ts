import * as z from "zod";
import { maskUrlCredentials } from "../logging/mask.js";
import { pure } from "../util/pure.js";

/**
 * What an attribute is used for. (A list of words rather than `isKey`-style booleans: field names
 * with "key" in them are masked as secrets at every exit.)
 */
export const AttributeFlagSchema = /* @__PURE__ */ pure(() => z.enum(["key", "filter", "partition"]));

/** A column (attribute) of a source or target object, with ProcessTracker's flags. */
export const DatasetAttributeSchema = /* @__PURE__ */ pure(() => z.object({
  name: z.string().min(1).describe("The attribute (column) name"),
  flags: z.array(AttributeFlagSchema).describe("ProcessTracker's attribute flags: `key` (part of the object's key), `filter` (compares record versions), `partition` (partitions the data)"),
}));
/** An attribute of a source or target object. */
export type DatasetAttribute = z.infer<typeof DatasetAttributeSchema>;

/** An object of a source or target: a table, a file, a topic. */
export const DatasetObjectSchema = /* @__PURE__ */ pure(() => z.object({
  name: z.string().min(1).describe("The object's name: a table (`sales.orders`), a file (`orders.csv`)"),
  attributes: z.array(DatasetAttributeSchema).describe("Its attributes, when declared"),
}));
/** An object of a source or target. */
export type DatasetObject = z.infer<typeof DatasetObjectSchema>;

/**
 * A source a workflow reads from or a target it writes to (ProcessTracker's sources and
 * targets), as recorded: its name, type, objects and dataset types. In OpenLineage each object
 * is a dataset with the source's name as namespace and the object's as name (a source with no
 * objects is one dataset named after itself).
 */
export const DatasetSchema = /* @__PURE__ */ pure(() => z.object({
  name: z.string().min(1).describe("The source's or target's name; its OpenLineage namespace (`postgres://db:5432`, `landing`)"),
  type: z.string().min(1).nullable().describe("What kind of system it is (`postgres`, `csv`, `s3`), or null"),
  objects: z.array(DatasetObjectSchema).describe("The objects read or written in it"),
  datasetTypes: z.array(z.string().min(1)).describe("Categories of its data (`sales`, `reference`): the workflow's and its own"),
}));
/** A source or target as recorded. */
export type Dataset = z.infer<typeof DatasetSchema>;

const AttributeDeclarationSchema = /* @__PURE__ */ pure(() => z.union([
  z.string().min(1),
  z.object({
    name: z.string().min(1),
    flags: z.array(AttributeFlagSchema).optional(),
  }).strict(),
]));

const ObjectDeclarationSchema = /* @__PURE__ */ pure(() => z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), attributes: z.array(AttributeDeclarationSchema).optional() }).strict(),
]));

/**
 * A source or target as written in a workflow (`sources: [...]`), a task (`static sources`) or
 * `this.audit.source(...)`: a name, or an object with a name and optionally a type, objects
 * (names, or `{ name, attributes }` with attributes as names or `{ name, flags: ["key" | "filter" | "partition"] }`)
 * and dataset types.
 */
export const DatasetDeclarationSchema = /* @__PURE__ */ pure(() => z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      type: z.string().min(1).optional(),
      objects: z.array(ObjectDeclarationSchema).optional(),
      datasetTypes: z.array(z.string().min(1)).optional(),
    })
    .strict(),
]));
/** A list of sources or targets as declared. */
export const DatasetDeclarationsSchema = /* @__PURE__ */ pure(() => z.array(DatasetDeclarationSchema));

/** A source or target as a user declares it. */
export type DatasetDeclaration = z.input<typeof DatasetDeclarationSchema>;

/** The recorded form of a declaration already checked against {@link DatasetDeclarationSchema}, with `datasetTypes` added. */
export function datasetOf(declaration: z.output<typeof DatasetDeclarationSchema>, datasetTypes: readonly string[] = []): Dataset {
  if (typeof declaration === "string") return { name: declaration, type: null, objects: [], datasetTypes: [...datasetTypes] };
  return {
    name: declaration.name,
    type: declaration.type ?? null,
    objects: (declaration.objects ?? []).map((o) =>
      typeof o === "string"
        ? { name: o, attributes: [] }
        : { name: o.name, attributes: (o.attributes ?? []).map((a) => (typeof a === "string" ? { name: a, flags: [] } : { name: a.name, flags: [...new Set(a.flags ?? [])].sort() })) },
    ),
    datasetTypes: [...new Set([...datasetTypes, ...(declaration.datasetTypes ?? [])])],
  };
}

/** Merge datasets of the same name: objects and dataset types joined, the first type given kept. Order: first seen. */
export function mergeDatasets(lists: readonly (readonly Dataset[])[]): Dataset[] {
  const byName = new Map<string, Dataset>();
  for (const list of lists) {
    for (const d of list) {
      const seen = byName.get(d.name);
      if (seen === undefined) {
        byName.set(d.name, { name: d.name, type: d.type, objects: d.objects.map((o) => ({ name: o.name, attributes: o.attributes.map((a) => ({ name: a.name, flags: [...a.flags] })) })), datasetTypes: [...d.datasetTypes] });
        continue;
      }
      seen.type ??= d.type;
      for (const t of d.datasetTypes) if (!seen.datasetTypes.includes(t)) seen.datasetTypes.push(t);
      for (const o of d.objects) {
        const object = seen.objects.find((x) => x.name === o.name);
        if (object === undefined) {
          seen.objects.push({ name: o.name, attributes: o.attributes.map((a) => ({ name: a.name, flags: [...a.flags] })) });
          continue;
        }
        for (const a of o.attributes) {
          const attribute = object.attributes.find((x) => x.name === a.name);
          if (attribute === undefined) object.attributes.push({ name: a.name, flags: [...a.flags] });
          else attribute.flags = [...new Set([...attribute.flags, ...a.flags])].sort();
        }
      }
    }
  }
  return [...byName.values()];
}

/** A non-fatal data problem a task raised (`this.audit.error`). */
export const AuditErrorSchema = /* @__PURE__ */ pure(() => z.object({
  type: z.string().describe("The error's type (`Data Error`)"),
  description: z.string().describe("What was wrong, secrets masked"),
  at: z.iso.datetime().describe("When it was raised"),
  failRun: z.boolean().describe("Whether it failed the task (and so the run)"),
}));
/** A run error. */
export type AuditError = z.infer<typeof AuditErrorSchema>;

/** Errors listed per attempt at most; the rest are counted (`errorCount`). */
export const MAX_LISTED_AUDIT_ERRORS = 100;

/** What a `task.audit` event, and the run-log `audit` record made of it, say of one attempt. */
export const AuditFields = /* @__PURE__ */ pure(() => ({
  records: z.record(z.string(), z.number().int().min(0)).describe("Records processed by kind (`read`, `written`, `rejected`): `this.audit.records(kind, n)` summed"),
  dataRange: z
    .object({ low: z.iso.datetime().describe("The lowest data date seen"), high: z.iso.datetime().describe("The highest data date seen") })
    .nullable()
    .describe("The data's date range (`this.audit.dataRange(low, high)`: the lowest low and highest high), or null"),
  errorCount: z.number().int().min(0).describe("Run errors raised (`this.audit.error`), all counted"),
  errors: z.array(AuditErrorSchema).describe(`The run errors, the first ${MAX_LISTED_AUDIT_ERRORS}`),
  statuses: z
    .array(z.object({ status: z.string().describe("The status name the task gave"), at: z.iso.datetime().describe("When it was set") }))
    .describe("Custom statuses the task set (`this.audit.status`), in order"),
  sources: z.array(DatasetSchema).describe("What it read from: its declared sources and those added at run time"),
  targets: z.array(DatasetSchema).describe("What it wrote to, the same way"),
  extracts: z
    .array(
      z.object({
        location: z.string().describe("The extract's location"),
        filename: z.string().describe("The extract's filename"),
        from: z.string().nullable().describe("The status before, null when it registered it"),
        to: z.string().describe("The status after"),
      }),
    )
    .describe("Extracts it registered or whose status it changed, in order"),
}));

/**
 * Sources or targets in one line, for docs and notebooks: `landing (csv): a.csv, b.csv;
 * warehouse: sales.orders`. A source named by a URL shows it with its credentials masked.
 */
export function datasetsText(list: readonly Dataset[]): string {
  return list.map((d) => `${maskUrlCredentials(d.name)}${d.type === null ? "" : ` (${d.type})`}${d.objects.length === 0 ? "" : `: ${d.objects.map((o) => o.name).join(", ")}`}`).join("; ");
}

/** What a task or workflow reads from and writes to, in one line, or undefined when it declares neither. */
export function lineageText(node: { readonly sources?: readonly Dataset[] | undefined; readonly targets?: readonly Dataset[] | undefined }): string | undefined {
  const parts: string[] = [];
  if (node.sources !== undefined && node.sources.length > 0) parts.push(`reads from ${datasetsText(node.sources)}`);
  if (node.targets !== undefined && node.targets.length > 0) parts.push(`writes to ${datasetsText(node.targets)}`);
  return parts.length === 0 ? undefined : parts.join("; ");
}
