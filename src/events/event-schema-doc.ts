import * as z from "zod";
import { WfEventDataSchema, WfEventSchema } from "./wf-event.js";

/** A zod object's fields, in declaration order. */
type Shape = Readonly<Record<string, z.ZodType>>;

/** An object schema found inside `data` (e.g. `error`), documented once as `<name>.<field>` rows. */
interface NestedObject {
  name: string;
  shape: Shape;
}

/**
 * Names the object schemas met while rendering types, so each is documented once however many
 * actions use it. An object is known by its identity; a lazy one by its getter, which every copy
 * of it (`.describe()` makes one) shares, so a recursive schema refers to itself by name.
 */
class NestedObjects {
  readonly list: NestedObject[] = [];
  private readonly byKey = new Map<unknown, string>();

  /** The name of the object behind `key`, registering it under `field` the first time. */
  name(key: unknown, field: string, shape: () => Shape): string {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    let name = field;
    for (let n = 2; this.list.some((o) => o.name === name); n++) name = `${field}${n}`;
    this.byKey.set(key, name);
    const entry: NestedObject = { name, shape: {} };
    this.list.push(entry);
    entry.shape = shape();
    return name;
  }
}

/** The `.describe()` text (zod 4 metadata) of a schema, without surrounding space. */
function descriptionOf(schema: z.ZodType): string | undefined {
  const text = z.globalRegistry.get(schema)?.description ?? schema.description;
  // A field made optional by `.partial()` keeps its description on the field it wraps.
  if (text === undefined && schema instanceof z.ZodOptional) return descriptionOf(schema.unwrap() as z.ZodType);
  return text?.trim() || undefined;
}

function quoted(values: readonly unknown[]): string {
  return values.map((v) => `\`${String(v)}\``).join(" | ");
}

/**
 * A field's type, in words: `string`, `integer ≥ 1`, `` `local` | `airflow` ``, `string[]`,
 * `integer | null`, `` object (`error.*`) ``; `field` names nested objects.
 */
function typeText(schema: z.ZodType, field: string, nested: NestedObjects): string {
  if (schema instanceof z.ZodOptional) {
    const inner = typeText(schema.unwrap() as z.ZodType, field, nested);
    return inner.endsWith(", optional") ? inner : `${inner}, optional`;
  }
  // A transform: what the user writes is its input side.
  if (schema instanceof z.ZodPipe) return typeText(schema.in as z.ZodType, field, nested);
  if (schema instanceof z.ZodDate) return "Date";
  if (schema instanceof z.ZodNullable) return `${typeText(schema.unwrap() as z.ZodType, field, nested)} | null`;
  if (schema instanceof z.ZodDefault) return typeText(schema.unwrap() as z.ZodType, field, nested);
  if (schema instanceof z.ZodLiteral) return quoted([...schema.values]);
  if (schema instanceof z.ZodEnum) return quoted(schema.options);
  if (schema instanceof z.ZodString || schema instanceof z.ZodStringFormat) return schema.format === "datetime" ? "string (date-time)" : schema.format === "date" ? "string (date)" : "string";
  if (schema instanceof z.ZodNumber) {
    // `.int()` alone sets the safe-integer bounds: those go without saying.
    const bounds: string[] = [];
    // `.positive()` is a bound that excludes its value: zod's minValue does not say so.
    const exclusive = (schema.def.checks ?? []).some((c) => (c._zod.def as { check: string; inclusive?: boolean }).check === "greater_than" && (c._zod.def as { inclusive?: boolean }).inclusive === false);
    if (schema.minValue !== null && schema.minValue > Number.MIN_SAFE_INTEGER) bounds.push(`${exclusive ? ">" : "≥"} ${schema.minValue}`);
    if (schema.maxValue !== null && schema.maxValue < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${schema.maxValue}`);
    return `${schema.isInt ? "integer" : "number"}${bounds.length > 0 ? ` ${bounds.join(", ")}` : ""}`;
  }
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) return "any JSON";
  if (schema instanceof z.ZodRecord) {
    const value = schema.valueType as z.ZodType;
    return value instanceof z.ZodUnknown || value instanceof z.ZodAny ? "object" : `object, ${typeText(value, field, nested)} values`;
  }
  if (schema instanceof z.ZodArray) {
    const element = typeText(schema.element as z.ZodType, field, nested);
    if (/^[a-z]+$/.test(element)) return `${element}[]`;
    return element.startsWith("object ") ? `array of objects ${element.slice("object ".length)}` : `array of ${element}`;
  }
  if (schema instanceof z.ZodLazy) {
    const getter = schema.def.getter;
    return objectRef(getter, field, nested, () => schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodObject) return objectRef(schema, field, nested, () => schema);
  if (schema instanceof z.ZodUnion) return schema.options.map((o) => typeText(o as z.ZodType, field, nested)).join(" | ");
  return schema.def.type;
}

function objectRef(key: unknown, field: string, nested: NestedObjects, resolve: () => z.ZodType): string {
  const name = nested.name(key, field, () => {
    const inner = resolve();
    return inner instanceof z.ZodObject ? (inner.shape as Shape) : {};
  });
  return `object (\`${name}.*\`)`;
}

/** Markdown table cell text: pipes escaped, so they do not split the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/**
 * docs/events.md's event schema, as Markdown, generated from {@link WfEventSchema} and the variants
 * of {@link WfEventDataSchema}: the CloudEvents envelope's fields; the fields every `data` has
 * (those in every action); the fields several actions share; one row per action with its own
 * fields (`name`: type — description); then the objects nested in them, field by field. Each
 * field's description is its `.describe()` text. Output is deterministic: schema order throughout.
 */
export function renderEventSchemaDoc(): string {
  const nested = new NestedObjects();
  const variants = WfEventDataSchema.options.map((v) => ({ action: [...v.shape.action.values][0] as string, shape: v.shape as Shape }));
  const discriminator = WfEventDataSchema.def.discriminator;

  const envelope = Object.entries(WfEventSchema.shape as Shape).map(([name, schema]) =>
    name === "data"
      ? [`\`${name}\``, "object", descriptionOf(schema) ?? "What happened, and who reported it: the tables below"]
      : [`\`${name}\``, typeText(schema, name, nested), descriptionOf(schema) ?? ""],
  );

  // Fields every action has, by name; then fields several actions have with the very same schema.
  const first = variants[0]!.shape;
  const common = Object.keys(first).filter((name) => variants.every((v) => name in v.shape));
  const sharedUses = new Map<string, { schema: z.ZodType; count: number }>();
  for (const v of variants) {
    for (const [name, schema] of Object.entries(v.shape)) {
      if (common.includes(name)) continue;
      const seen = sharedUses.get(name);
      if (seen === undefined) sharedUses.set(name, { schema, count: 1 });
      else if (seen.schema === schema) seen.count++;
    }
  }
  const isShared = (name: string, schema: z.ZodType) => {
    const uses = sharedUses.get(name);
    return uses !== undefined && uses.count > 1 && uses.schema === schema;
  };

  const commonRows = common.map((name) =>
    name === discriminator
      ? [`\`${name}\``, "string", descriptionOf(first[name]!) ?? "Which action it is: one of those below (the envelope's `type` without its prefix)"]
      : [`\`${name}\``, typeText(first[name]!, name, nested), descriptionOf(first[name]!) ?? ""],
  );
  // Most used first (the task fields), then in schema order.
  const sharedRows = [...sharedUses]
    .filter(([, uses]) => uses.count > 1)
    .sort(([, a], [, b]) => b.count - a.count)
    .map(([name, { schema }]) => [`\`${name}\``, typeText(schema, name, nested), descriptionOf(schema) ?? ""]);
  const actionRows = variants.map(({ action, shape }) => {
    const fields = Object.entries(shape).filter(([name]) => !common.includes(name));
    const shared = fields.filter(([name, schema]) => isShared(name, schema)).map(([name]) => `\`${name}\``);
    const own = fields
      .filter(([name, schema]) => !isShared(name, schema))
      .map(([name, schema]) => {
        const description = descriptionOf(schema);
        return `\`${name}\`: ${typeText(schema, name, nested)}${description ? ` — ${description}` : ""}`;
      });
    const lines = [...(shared.length > 0 ? [shared.join(", ")] : []), ...own];
    return [`\`${action}\``, lines.length > 0 ? lines.join("<br>") : "—"];
  });

  // Rendering the types above registered the nested objects; theirs may register more.
  const nestedRows: string[][] = [];
  for (let i = 0; i < nested.list.length; i++) {
    const object = nested.list[i]!;
    for (const [name, schema] of Object.entries(object.shape)) {
      nestedRows.push([`\`${object.name}.${name}\``, typeText(schema, name, nested), descriptionOf(schema) ?? ""]);
    }
  }

  return [
    "**Envelope** (CloudEvents 1.0, JSON):",
    "",
    table(["Field", "Type", "Description"], envelope),
    "",
    "**`data`, in every event:**",
    "",
    table(["Field", "Type", "Description"], commonRows),
    "",
    ...(sharedRows.length > 0 ? ["**`data` fields that several actions have:**", "", table(["Field", "Type", "Description"], sharedRows), ""] : []),
    "**Actions** and the rest of their `data`:",
    "",
    table(["Action", "Fields"], actionRows),
    ...(nestedRows.length > 0 ? ["", "**Objects inside `data`:**", "", table(["Field", "Type", "Description"], nestedRows)] : []),
  ].join("\n");
}

/**
 * Markdown tables of object schemas, one per section (`title`, then Field | Type | Description
 * in schema order), then one table of the objects nested in them: the run-log record schema in
 * docs/run-log.md. Deterministic, as {@link renderEventSchemaDoc}.
 */
export function renderObjectSchemaTables(sections: readonly { title: string; schema: z.ZodObject }[]): string {
  const nested = new NestedObjects();
  const out: string[] = [];
  for (const { title, schema } of sections) {
    const rows = Object.entries(schema.shape as Shape).map(([name, field]) => [`\`${name}\``, typeText(field, name, nested), descriptionOf(field) ?? ""]);
    out.push(title, "", table(["Field", "Type", "Description"], rows), "");
  }
  const nestedRows: string[][] = [];
  for (let i = 0; i < nested.list.length; i++) {
    const object = nested.list[i]!;
    for (const [name, schema] of Object.entries(object.shape)) nestedRows.push([`\`${object.name}.${name}\``, typeText(schema, name, nested), descriptionOf(schema) ?? ""]);
  }
  if (nestedRows.length > 0) out.push("**Objects inside records:**", "", table(["Field", "Type", "Description"], nestedRows));
  return out.join("\n").trimEnd();
}
