import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openRunLog, TaskBase, Workflow } from "wfkit";
import { runLocal } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const seen: Record<string, unknown> = {};

class Extract extends TaskBase {
  async run() {
    const file = path.join(this.context.runDir, "orders.csv");
    writeFileSync(file, "id,amount\n1,10\n");
    await this.catalog.put("orders", { path: file });
    await this.catalog.put("summary", { value: { rows: 1, currency: "EUR" } });
  }
}
class Report extends TaskBase {
  async run() {
    seen["orders"] = readFileSync(await this.catalog.get<string>("orders"), "utf8");
    seen["summary"] = await this.catalog.get("summary");
  }
}
const handOff = new Workflow({ category: "catalog", detail: "handoff", version: "1.0.0" }).addNode(Extract).addNode(Report, { upstreams: Extract });

class Misses extends TaskBase {
  async run() {
    await this.catalog.get("ordres");
  }
}
class PutsADate extends TaskBase {
  async run() {
    await this.catalog.put("when", { value: { at: new Date(0) } });
  }
}

class PutsABadName extends TaskBase {
  async run() {
    await this.catalog.put("../x", { value: 1 });
  }
}

describe("this.catalog", () => {
  it("hands a file and a JSON value to a downstream task, and the run log lists each put and get with its sha256", async () => {
    const { options } = quietRun();
    const result = await runLocal(handOff, options);
    expect(result.status).toBe("success");
    expect(seen).toEqual({ orders: "id,amount\n1,10\n", summary: { rows: 1, currency: "EUR" } });
    const log = await openRunLog({ home: options.home, env: {} });
    const run = await log.run(result.runId);
    await log.close();
    const entries = (task: string) => run.tasks.find((t) => t.task === task)!.catalog.map((c) => `${c.stage} ${c.name} ${c.form} ${c.size} ${c.sha256}`);
    const csv = sha256("id,amount\n1,10\n");
    const json = sha256('{"rows":1,"currency":"EUR"}');
    expect(entries("Extract")).toEqual([`put orders file 15 ${csv}`, `put summary json 27 ${json}`]);
    expect(entries("Report")).toEqual([`get orders file 15 ${csv}`, `get summary json 27 ${json}`]);
    expect(run.tasks[0]!.catalog[0]!.location).toBe(path.join(result.runDir, "catalog", "orders"));
  });

  it("fails the task that gets a name nobody put, naming the task, the name and what the catalog holds", async () => {
    const { options } = quietRun();
    const wf = new Workflow({ category: "catalog", detail: "misses", version: "1.0.0" }).addNode(Extract).addNode(Misses, { upstreams: Extract });
    const result = await runLocal(wf, options);
    expect(result.status).toBe("failed");
    const misses = result.tasks.find((t) => t.task === "Misses")!;
    expect(misses.error).toMatchObject({
      name: "CatalogEntryNotFoundError",
      resolvableBy: "user",
      message: expect.stringMatching(/^task Misses: no catalog entry "ordres" in run \S+ of catalog_misses_1\.0\.0: it holds "orders", "summary"; put it in an upstream task/),
    });
  });

  it("refuses a value that would not come back the same from JSON, and a bad name, before storing anything", async () => {
    const { options } = quietRun();
    const wf = new Workflow({ category: "catalog", detail: "date", version: "1.0.0" }).addNode(PutsADate).addNode(PutsABadName);
    const result = await runLocal(wf, options);
    expect(result.tasks.find((t) => t.task === "PutsADate")!.error).toMatchObject({
      name: "CatalogSourceError",
      message: expect.stringMatching(/^task PutsADate: put\("when", \{ value \}\): the value would not come back the same from JSON \(a Date/),
    });
    expect(result.tasks.find((t) => t.task === "PutsABadName")!.error).toMatchObject({ name: "CatalogNameError", message: expect.stringMatching(/^task PutsABadName: catalog name "\.\.\/x" cannot be used/) });
    expect(existsSync(path.join(result.runDir, "catalog"))).toBe(false);
  });
});

describe("declared inputs and outputs at run time", () => {
  class Produce extends TaskBase {
    static override outputs = { count: z.object({ n: z.number().int() }) };
    async run() {
      await this.catalog.put("count", { value: { n: Number(this.params["n"] ?? 1) } });
    }
  }
  class Consume extends TaskBase {
    static override inputs = { count: z.object({ n: z.number().int() }).transform((c) => c.n * 10) };
    async run() {
      seen["consumed"] = await this.catalog.get("count");
      if (this.params["undeclared"]) await this.catalog.get("other");
    }
  }
  const params = z.object({ n: z.number().optional(), undeclared: z.boolean().optional() });
  const declared = () => new Workflow({ category: "catalog", detail: "declared", version: "1.0.0", params }).addNode(Produce).addNode(Consume, { upstreams: Produce });

  it("parses a declared input's value with its schema", async () => {
    const { options } = quietRun({ params: { n: 4 } });
    const result = await runLocal(declared(), options);
    expect(result.status).toBe("success");
    expect(seen["consumed"]).toBe(40);
  });

  it("fails a get of a name the task does not declare, naming the task, the name and what it declares", async () => {
    const { options } = quietRun({ params: { undeclared: true } });
    const result = await runLocal(declared(), options);
    expect(result.tasks.find((t) => t.task === "Consume")!.error).toMatchObject({
      name: "CatalogUndeclaredError",
      message: `task Consume: get("other") of a name it does not declare: its static inputs are "count"; add "other" to them`,
    });
  });

  it("refuses a put whose value does not match the declared output schema, storing nothing", async () => {
    const { options } = quietRun({ params: { n: 1.5 } });
    const result = await runLocal(declared(), options);
    expect(result.tasks.find((t) => t.task === "Produce")!.error).toMatchObject({
      name: "CatalogSourceError",
      message: expect.stringMatching(/^task Produce: put\("count", \{ value \}\): the value does not match the schema in static outputs: n: /),
    });
    expect(existsSync(path.join(result.runDir, "catalog", "count"))).toBe(false);
  });
});

describe("a task that declares inputs", () => {
  class Source extends TaskBase {
    static override outputs = ["a", "b"];
    async run() {
      if (this.params["put"]) await this.catalog.put("a", { value: 1 });
    }
  }
  class Reader extends TaskBase {
    static override inputs = ["a", "b"];
    run() {
      seen["reader ran"] = true;
    }
  }
  it("does not start when an input is missing from the catalog, and says which", async () => {
    const { options } = quietRun({ params: { put: true } });
    delete seen["reader ran"];
    const wf = new Workflow({ category: "catalog", detail: "inputs", version: "1.0.0", params: z.object({ put: z.boolean() }) }).addNode(Source).addNode(Reader, { upstreams: Source });
    const result = await runLocal(wf, options);
    expect(seen["reader ran"]).toBeUndefined();
    expect(result.tasks.find((t) => t.task === "Reader")!.error).toMatchObject({
      name: "CatalogEntryNotFoundError",
      message: expect.stringMatching(/^task Reader cannot start: its declared input "b" is not in the catalog of run \S+ of catalog_inputs_1\.0\.0 \(it holds "a"\)$/),
    });
  });
});
