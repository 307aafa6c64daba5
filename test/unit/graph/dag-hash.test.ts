import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow, type NodeOptions, type TaskClass, type WorkflowOptions } from "wfkit";
import { contentHash } from "../../../src/graph/dag-hash.js";

/** A fresh TaskBase subclass with the given name. */
function taskClass(name: string): TaskClass {
  return { [name]: class extends TaskBase {
    run(): void {}
  } }[name]!;
}

interface Definition {
  options?: Partial<WorkflowOptions>;
  nodes?: [string, NodeOptions & { after?: string[] }][];
}

const baseNodes: NonNullable<Definition["nodes"]>[number][] = [
  ["Extract", {}],
  ["CleanA", { after: ["Extract"] }],
  ["CleanB", { after: ["Extract"] }],
  ["Load", { after: ["CleanA", "CleanB"] }],
];

/** Build the workflow from scratch, with fresh classes, every time. */
function build(def: Definition = {}): Workflow {
  const wf = new Workflow({ category: "etl", inputData: "csv", outputData: "db", version: "1.0.0", ...def.options });
  const classes = new Map<string, TaskClass>();
  for (const [name, { after, ...options }] of def.nodes ?? baseNodes) {
    const cls = taskClass(name);
    classes.set(name, cls);
    wf.addNode(cls, { ...options, ...(after ? { upstreams: after.map((a) => classes.get(a)!) } : {}) });
  }
  return wf;
}

function withNode(name: string, change: NodeOptions & { after?: string[] }): Definition {
  return { nodes: baseNodes.map(([n, o]) => [n, n === name ? { ...o, ...change } : o]) };
}

describe("contentHash", () => {
  it("is SHA-256 hex of canonical JSON, independent of key order", () => {
    const a = contentHash({ x: 1, y: [1, 2], z: { p: "q", r: null } });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ z: { r: null, p: "q" }, y: [1, 2], x: 1 })).toBe(a);
  });

  it("changes with any value, and with array order", () => {
    const a = contentHash({ x: 1, y: [1, 2] });
    expect(contentHash({ x: 2, y: [1, 2] })).not.toBe(a);
    expect(contentHash({ x: 1, y: [2, 1] })).not.toBe(a);
    expect(contentHash({ x: "1", y: [1, 2] })).not.toBe(a);
  });

  it("hashes undefined like null rather than failing", () => {
    expect(contentHash(undefined)).toBe(contentHash(null));
  });
});

describe("Workflow.dagHash", () => {
  const base = build().dagHash();

  it("is 64 lowercase hex characters", () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable: the same definition built twice hashes the same", () => {
    expect(build().dagHash()).toBe(base);
    const wf = build();
    expect(wf.dagHash()).toBe(wf.dagHash());
  });

  it("does not depend on the order of upstreams in an array", () => {
    expect(build(withNode("Load", { after: ["CleanB", "CleanA"] })).dagHash()).toBe(base);
  });

  it("changes when an edge is added or removed", () => {
    expect(build(withNode("Load", { after: ["CleanA"] })).dagHash()).not.toBe(base);
    expect(build(withNode("Load", { after: ["CleanA", "CleanB", "Extract"] })).dagHash()).not.toBe(base);
  });

  it("changes when a task is renamed or added", () => {
    const renamed = baseNodes.map(([n, o]): [string, typeof o] => [n === "CleanB" ? "CleanC" : n, o]);
    renamed[3] = ["Load", { after: ["CleanA", "CleanC"] }];
    expect(build({ nodes: renamed }).dagHash()).not.toBe(base);
    expect(build({ nodes: [...baseNodes, ["Report", { after: ["Load"] }]] }).dagHash()).not.toBe(base);
  });

  it("changes with retries, retry delay and queue", () => {
    expect(build(withNode("CleanA", { retries: 2 })).dagHash()).not.toBe(base);
    expect(build(withNode("CleanA", { retryDelaySeconds: 5 })).dagHash()).not.toBe(base);
    expect(build(withNode("CleanA", { queue: "gpu" })).dagHash()).not.toBe(base);
    // an override equal to the class default is the same workflow
    expect(build(withNode("CleanA", { retries: 0, queue: "default", retryDelaySeconds: 60 })).dagHash()).toBe(base);
  });

  it("changes with the version, the name and the schedule", () => {
    expect(build({ options: { version: "1.0.1" } }).dagHash()).not.toBe(base);
    expect(build({ options: { version: "dev" } }).dagHash()).not.toBe(base);
    expect(build({ options: { category: "elt" } }).dagHash()).not.toBe(base);
    const daily = build({ options: { schedule: "@daily" } }).dagHash();
    expect(daily).not.toBe(base);
    expect(build({ options: { schedule: "@hourly" } }).dagHash()).not.toBe(daily);
  });

  it("changes with the params schema", () => {
    const withParams = build({ options: { params: z.object({ date: z.string() }) } }).dagHash();
    expect(withParams).not.toBe(base);
    expect(build({ options: { params: z.object({ date: z.string() }) } }).dagHash()).toBe(withParams);
    expect(build({ options: { params: z.object({ date: z.number() }) } }).dagHash()).not.toBe(withParams);
    expect(build({ options: { params: z.object({ day: z.string() }) } }).dagHash()).not.toBe(withParams);
    expect(build({ options: { params: z.object({ date: z.string().default("today") }) } }).dagHash()).not.toBe(
      withParams,
    );
  });

  it("hashes params schemas that have no JSON Schema form", () => {
    const params = z.object({ when: z.date(), n: z.string().transform((s) => s.length), k: z.number() });
    const hash = build({ options: { params } }).dagHash();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(build({ options: { params } }).dagHash()).toBe(hash);
    // the representable fields still count
    const changed = z.object({ when: z.date(), n: z.string().transform((s) => s.length), k: z.string() });
    expect(build({ options: { params: changed } }).dagHash()).not.toBe(hash);
  });

  it("refuses to hash an invalid workflow", () => {
    expect(() => build({ nodes: [] }).dagHash()).toThrow(/no tasks/);
  });
});
