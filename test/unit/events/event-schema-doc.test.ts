import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { WfEventSchema } from "wfkit";
import { CUSTOM_ACTION, LIFECYCLE_ACTIONS, WfEventDataSchema } from "../../../src/events/wf-event.js";
import { renderEventSchemaDoc } from "../../../src/events/event-schema-doc.js";

/** Cells of a Markdown table row, splitting on unescaped pipes; escapes removed. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** The rows (as cells) of the table that follows the line starting with `label`. */
function tableAfter(doc: string, label: string): string[][] {
  const lines = doc.split("\n");
  const at = lines.findIndex((l) => l.startsWith(label));
  expect(at, `no "${label}" in the doc`).toBeGreaterThanOrEqual(0);
  const start = lines.findIndex((l, i) => i > at && l.startsWith("|"));
  const rows: string[] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(lines[i]!);
  expect(rows[1]).toMatch(/^\| (--- \| )*--- \|$/);
  return rows.slice(2).map(cells);
}

type Shape = Record<string, z.ZodType>;
const variants = WfEventDataSchema.options.map((v) => ({ action: [...v.shape.action.values][0] as string, shape: v.shape as Shape }));
const commonNames = Object.keys(variants[0]!.shape).filter((name) => variants.every((v) => name in v.shape));

/** The object schemas inside a field (through optional, nullable, arrays, records and lazy), each once. */
function objectsIn(schema: z.ZodType, seen = new Set<unknown>()): Shape[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return objectsIn(schema.unwrap() as z.ZodType, seen);
  if (schema instanceof z.ZodArray) return objectsIn(schema.element as z.ZodType, seen);
  if (schema instanceof z.ZodRecord) return objectsIn(schema.valueType as z.ZodType, seen);
  if (schema instanceof z.ZodLazy) {
    if (seen.has(schema.def.getter)) return [];
    seen.add(schema.def.getter);
    return objectsIn(schema.unwrap() as z.ZodType, seen);
  }
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Shape;
    return [shape, ...Object.values(shape).flatMap((field) => objectsIn(field, seen))];
  }
  return [];
}

/**
 * Fields that have no `.describe()` text in src/events/wf-event.ts yet. Keep this list short:
 * a field added without a description fails "every field has a description" below.
 */
const UNDOCUMENTED: Record<"envelope" | "data" | "nested", string[]> = { envelope: [], data: [], nested: [] };

describe("renderEventSchemaDoc", () => {
  const doc = renderEventSchemaDoc();
  const envelope = tableAfter(doc, "**Envelope**");
  const common = tableAfter(doc, "**`data`, in every event:**");
  const shared = tableAfter(doc, "**`data` fields that several actions have:**");
  const actions = tableAfter(doc, "**Actions**");
  const nested = tableAfter(doc, "**Objects inside `data`:**");
  const byName = (rows: string[][]) => new Map(rows.map((r) => [r[0]!, r]));

  it("is the same every time", () => {
    expect(renderEventSchemaDoc()).toBe(doc);
  });

  it("gives every row of every table its cells (pipes in types and descriptions are escaped)", () => {
    for (const row of [...envelope, ...common, ...shared, ...nested]) expect(row, row.join(" | ")).toHaveLength(3);
    for (const row of actions) expect(row, row.join(" | ")).toHaveLength(2);
  });

  it("lists every envelope field, in schema order, with its type and description", () => {
    expect(envelope.map((r) => r[0])).toEqual(Object.keys(WfEventSchema.shape).map((k) => `\`${k}\``));
    for (const [name, schema] of Object.entries(WfEventSchema.shape as Shape)) {
      const row = byName(envelope).get(`\`${name}\``)!;
      if (schema.description !== undefined) expect(row[2]).toBe(schema.description);
    }
    const rows = byName(envelope);
    expect(rows.get("`specversion`")![1]).toBe("`1.0`");
    expect(rows.get("`time`")![1]).toBe("string (date-time)");
    expect(rows.get("`data`")![2]).not.toBe("");
  });

  it("has one row per action, every lifecycle action and custom, in schema order", () => {
    expect(actions.map((r) => r[0])).toEqual(variants.map((v) => `\`${v.action}\``));
    expect(new Set(actions.map((r) => r[0]))).toEqual(new Set([...LIFECYCLE_ACTIONS, CUSTOM_ACTION].map((a) => `\`${a}\``)));
  });

  it("lists the fields every action has once, in the first data table", () => {
    expect(common.map((r) => r[0])).toEqual(commonNames.map((k) => `\`${k}\``));
    expect(commonNames).toEqual(expect.arrayContaining(["action", "runId", "dagId", "workflow", "version", "engine", "host", "pid"]));
    for (const row of actions) for (const name of commonNames) expect(row[1]).not.toContain(`\`${name}\``);
  });

  it("shows every other field of every action in its row: described there, or by name and described in the shared table", () => {
    const sharedRows = byName(shared);
    for (const { action, shape } of variants) {
      const row = byName(actions).get(`\`${action}\``)!;
      for (const [name, schema] of Object.entries(shape)) {
        if (commonNames.includes(name)) continue;
        const description = schema.description;
        if (sharedRows.has(`\`${name}\``) && !row[1]!.includes(`\`${name}\`:`)) {
          expect(row[1], `${action}: ${name}`).toMatch(new RegExp(`(^|, |<br>)\`${name}\`(, |<br>|$)`));
          if (description !== undefined) expect(sharedRows.get(`\`${name}\``)![2]).toBe(description);
        } else {
          expect(row[1], `${action}: ${name}`).toContain(`\`${name}\`: `);
          if (description !== undefined) expect(row[1]).toContain(description);
        }
      }
    }
  });

  it("documents every field of the objects inside data as <object>.<field>", () => {
    const nestedNames = nested.map((r) => r[0]!);
    const fields = variants.flatMap(({ shape }) => Object.entries(shape));
    for (const [field, schema] of fields) {
      for (const object of objectsIn(schema)) {
        for (const [name, inner] of Object.entries(object)) {
          const row = nested.find((r) => r[0]!.endsWith(`.${name}\``));
          expect(row, `${field}: ${name} in ${nestedNames.join(", ")}`).toBeDefined();
          if (inner.description !== undefined) expect(nested.some((r) => r[0]!.endsWith(`.${name}\``) && r[2] === inner.description)).toBe(true);
        }
      }
    }
    expect(nestedNames).toEqual(expect.arrayContaining(["`error.name`", "`error.message`", "`error.resolvableBy`", "`progress.children`"]));
  });

  it("renders optional, nullable, enum, record, array and recursive types", () => {
    const nestedRows = byName(nested);
    expect(nestedRows.get("`progress.unit`")![1]).toBe("string, optional");
    expect(nestedRows.get("`progress.state`")![1]).toBe("`running` | `done` | `failed`");
    expect(nestedRows.get("`progress.children`")![1]).toBe("array of objects (`progress.*`)");
    expect(nestedRows.get("`error.resolvableBy`")![1]).toBe("`user` | `config` | `platform` | `external`");
    expect(byName(shared).get("`metrics`")![1]).toBe("object, number values");
    expect(byName(shared).get("`attempt`")![1]).toBe("integer ≥ 1");
    expect(byName(shared).get("`error`")![1]).toBe("object (`error.*`)");
    expect(byName(common).get("`engine`")![1]).toBe("`local` | `airflow` | `notebook`");
    expect(byName(common).get("`pid`")![1]).toBe("integer");
    const crashed = byName(actions).get("`task.crashed`")![1]!;
    expect(crashed).toContain("`exitCode`: integer | null — The task process's exit code, or null when a signal ended it");
    expect(byName(actions).get("`run.failed`")![1]).toContain("`failedTasks`: string[] — Tasks that failed");
    expect(byName(actions).get("`task.progress`")![1]).toContain("`progress`: object (`progress.*`) — The task's tracker");
  });

  it("shows a field's description", () => {
    expect(byName(shared).get("`attempt`")![2]).toBe("1 on the first try, 2 on the first retry…");
    expect(byName(envelope).get("`id`")![2]).toContain("de-duplicate by it");
    expect(byName(nested).get("`error.name`")![2]).toBe("Error class, e.g. `TypeError`");
  });

  it("every field has a description, but for the few listed here (which must still lack one)", () => {
    const missing = (rows: string[][]) => rows.filter((r) => r[2] === "").map((r) => r[0]!.replaceAll("`", ""));
    expect(missing(envelope)).toEqual(UNDOCUMENTED.envelope);
    expect([...missing(common), ...missing(shared)]).toEqual(UNDOCUMENTED.data);
    expect(missing(nested)).toEqual(UNDOCUMENTED.nested);
    for (const row of actions) {
      for (const entry of row[1]!.split("<br>")) if (entry.includes("`: ")) expect(entry, `${row[0]}: ${entry}`).toContain(" — ");
    }
  });
});

describe("renderEventSchemaDoc with a made-up schema", () => {
  afterEach(() => {
    vi.doUnmock("../../../src/events/wf-event.js");
    vi.resetModules();
  });

  it("finds common and shared fields, names nested objects once and stops at recursion", async () => {
    vi.resetModules();
    vi.doMock("../../../src/events/wf-event.js", () => {
      interface Node {
        label: string;
        kids: Node[];
      }
      const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ label: z.string().describe("a | b"), kids: z.array(NodeSchema) }));
      const Shared = z.number().int().min(0).max(9).describe("shared one");
      const variants = [
        z.object({ action: z.literal("a.one"), id: z.string().describe("the id"), n: Shared, tree: NodeSchema.describe("a tree") }),
        z.object({ action: z.literal("a.two"), id: z.string().describe("the id"), n: Shared, maybe: z.boolean().nullable().optional() }),
        z.object({ action: z.literal("b"), id: z.string().describe("the id") }),
      ] as const;
      const WfEventDataSchema = z.discriminatedUnion("action", variants);
      return { WfEventDataSchema, WfEventSchema: z.object({ v: z.literal("1").describe("version"), data: WfEventDataSchema }) };
    });
    const { renderEventSchemaDoc: render } = await import("../../../src/events/event-schema-doc.js");
    expect(render()).toBe(
      [
        "**Envelope** (CloudEvents 1.0, JSON):",
        "",
        "| Field | Type | Description |",
        "| --- | --- | --- |",
        "| `v` | `1` | version |",
        "| `data` | object | What happened, and who reported it: the tables below |",
        "",
        "**`data`, in every event:**",
        "",
        "| Field | Type | Description |",
        "| --- | --- | --- |",
        "| `action` | string | Which action it is: one of those below (the envelope's `type` without its prefix) |",
        "| `id` | string | the id |",
        "",
        "**`data` fields that several actions have:**",
        "",
        "| Field | Type | Description |",
        "| --- | --- | --- |",
        "| `n` | integer ≥ 0, ≤ 9 | shared one |",
        "",
        "**Actions** and the rest of their `data`:",
        "",
        "| Action | Fields |",
        "| --- | --- |",
        "| `a.one` | `n`<br>`tree`: object (`tree.*`) — a tree |",
        "| `a.two` | `n`<br>`maybe`: boolean \\| null, optional |",
        "| `b` | — |",
        "",
        "**Objects inside `data`:**",
        "",
        "| Field | Type | Description |",
        "| --- | --- | --- |",
        "| `tree.label` | string | a \\| b |",
        "| `tree.kids` | array of objects (`tree.*`) |  |",
      ].join("\n"),
    );
  });
});
