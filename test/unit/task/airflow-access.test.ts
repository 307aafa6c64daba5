import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AirflowConnectionError,
  AirflowConnectionNotFoundError,
  AirflowUnavailableError,
  AirflowVariableNotFoundError,
  AirflowXComError,
  TaskBase,
  Workflow,
  type AirflowConnection,
  type TaskClass,
} from "wfkit";
import { LocalRunOptionsError, runLocal, type LocalRunOptions } from "wfkit/local";
import { quietRun } from "../../support/quiet-run.js";

/** A class with its own name whose run() calls `body`. */
function task(name: string, body: (self: TaskBase) => unknown): TaskClass {
  return { [name]: class extends TaskBase {
    async run() {
      await body(this);
    }
  } }[name]! as unknown as TaskClass;
}

const one = (body: (self: TaskBase) => unknown) => new Workflow({ category: "airflow", version: "1.0.0" }).addNode(task("Uses", body));

/** Run `body` as the one task of a workflow, with the stand-in; what it returned, or what it threw. */
async function inTask<T>(body: (self: TaskBase) => Promise<T>, airflow: LocalRunOptions["airflow"] = {}): Promise<{ value?: T; error?: unknown }> {
  let value: T | undefined;
  const result = await runLocal(
    one(async (self) => {
      value = await body(self);
    }),
    quietRun({ airflow }).options,
  );
  const t = result.tasks[0]!;
  return t.status === "success" ? { value: value as T } : { error: t.error };
}

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

describe("this.airflow with runLocal's stand-in", () => {
  it("reads variables, with a fallback for one that is missing", async () => {
    const { value } = await inTask(async (self) => [await self.airflow.variable("region"), await self.airflow.variable("tier", "gold")], { variables: { region: "eu-west" } });
    expect(value).toEqual(["eu-west", "gold"]);
  });

  it("refuses a missing variable without a fallback, naming it and where to define it", async () => {
    const { error } = await inTask((self) => self.airflow.variable("region"), { variables: {} });
    expect(error).toBeInstanceOf(AirflowVariableNotFoundError);
    expect((error as AirflowVariableNotFoundError).key).toBe("region");
    expect((error as Error).message).toBe(`task Uses: Airflow has no variable "region": define it in runLocal's airflow.variables, or give a fallback: this.airflow.variable("region", "…")`);
    expect((error as AirflowVariableNotFoundError).resolvableBy).toBe("config");
  });

  it("reads a connection, typed, absent fields undefined, extra given as JSON text parsed to an object", async () => {
    const { value } = await inTask((self) => self.airflow.connection("warehouse"), {
      connections: { warehouse: { type: "postgres", host: "db.example", port: 5432, login: "etl", password: "pw-123456", extra: '{"sslmode":"require","options":{"a":1}}' } },
    });
    const conn = value as AirflowConnection;
    expect({ ...conn }).toEqual({
      id: "warehouse",
      type: "postgres",
      host: "db.example",
      port: 5432,
      login: "etl",
      password: "pw-123456",
      schema: undefined,
      extra: { sslmode: "require", options: { a: 1 } },
    });
    expect(Object.isFrozen(conn)).toBe(true);
    expect(Object.isFrozen(conn.extra["options"])).toBe(true);
  });

  it("takes extra as an object too, and none as an empty one", async () => {
    const { value } = await inTask(async (self) => [await self.airflow.connection("a"), await self.airflow.connection("b")], {
      connections: { a: { type: "http", extra: { timeout: 5 } }, b: { type: "http" } },
    });
    expect((value as AirflowConnection[]).map((c) => c.extra)).toEqual([{ timeout: 5 }, {}]);
  });

  it.each([
    ["{not json", "is not valid JSON; fix it in runLocal's airflow.connections: it must be a JSON object"],
    ["[1,2]", "is an array, not a JSON object; fix it in runLocal's airflow.connections"],
    ['"text"', "is a string, not a JSON object; fix it in runLocal's airflow.connections"],
  ])("refuses the extra %s, naming the connection and not quoting it", async (extra, why) => {
    const { error } = await inTask((self) => self.airflow.connection("api"), { connections: { api: { type: "http", extra } } });
    expect(error).toBeInstanceOf(AirflowConnectionError);
    expect((error as Error).message).toBe(`task Uses: the extra of Airflow connection "api" ${why}`);
  });

  it("refuses a missing connection, naming it", async () => {
    const { error } = await inTask((self) => self.airflow.connection("nope"));
    expect(error).toBeInstanceOf(AirflowConnectionNotFoundError);
    expect((error as AirflowConnectionNotFoundError).connectionId).toBe("nope");
    expect((error as Error).message).toBe(`task Uses: Airflow has no connection "nope": define it in runLocal's airflow.connections`);
  });

  it("hands an upstream task's XCom push to a downstream pull (return_value by default), a copy; undefined when none", async () => {
    const pulled: unknown[] = [];
    const pushed = { rows: [1, 2], note: "x" };
    const Push = task("Push", async (self) => {
      await self.airflow.xcom.push("stats", pushed);
      await self.airflow.xcom.push("return_value", 42);
    });
    const Pull = task("Pull", async (self) => {
      pulled.push(await self.airflow.xcom.pull("Push", "stats"), await self.airflow.xcom.pull("Push"), await self.airflow.xcom.pull("Push", "other"), await self.airflow.xcom.pull("Nobody"));
    });
    const wf = new Workflow({ category: "xcom", version: "1.0.0" }).addNode(Push).addNode(Pull, { upstreams: Push });
    const result = await runLocal(wf, quietRun({ airflow: {} }).options);
    expect(result.status).toBe("success");
    expect(pulled).toEqual([{ rows: [1, 2], note: "x" }, 42, undefined, undefined]);
    expect(pulled[0]).not.toBe(pushed);
  });

  it("keeps each run's XComs to itself", async () => {
    const seen: unknown[] = [];
    const wf = one(async (self) => {
      seen.push(await self.airflow.xcom.pull("Uses", "n"));
      await self.airflow.xcom.push("n", 1);
    });
    await runLocal(wf, quietRun({ airflow: {} }).options);
    const again = quietRun({ airflow: {} }).options;
    await runLocal(wf, again);
    expect(seen).toEqual([undefined, undefined]);
  });

  it.each([
    ["a Date", new Date(0)],
    ["a Map", new Map([["a", 1]])],
    ["undefined", undefined],
    ["a function inside", { f: () => 1 }],
  ])("refuses to push %s, naming the key", async (_what, value) => {
    const { error } = await inTask((self) => self.airflow.xcom.push("rows", value));
    expect(error).toBeInstanceOf(AirflowXComError);
    expect((error as Error).message).toMatch(/^task Uses: this\.airflow\.xcom\.push\("rows", value\): the value would not come back the same from JSON/);
  });

  it("refuses to push what JSON cannot hold at all (a BigInt, a cycle)", async () => {
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    for (const value of [10n, cycle]) {
      const { error } = await inTask((self) => self.airflow.xcom.push("big", value));
      expect(error).toBeInstanceOf(AirflowXComError);
      expect((error as Error).message).toMatch(/^task Uses: this\.airflow\.xcom\.push\("big", value\): the value cannot be turned into JSON \(/);
    }
  });

  it("refuses an empty key or task name", async () => {
    expect((await inTask((self) => self.airflow.xcom.push("", 1))).error).toBeInstanceOf(AirflowXComError);
    expect(((await inTask((self) => self.airflow.xcom.pull(""))).error as Error).message).toBe(
      'task Uses: this.airflow.xcom.pull needs the name of the task that pushed it as a non-empty string, not ""',
    );
  });

  it("checks the stand-in with the other options", async () => {
    const bad = { connections: { db: { host: "h", port: "5432" } } } as unknown as LocalRunOptions["airflow"];
    await expect(runLocal(one(() => {}), quietRun({ airflow: bad }).options)).rejects.toThrow(LocalRunOptionsError);
    await expect(runLocal(one(() => {}), quietRun({ airflow: bad }).options)).rejects.toThrow(/airflow\.connections\.db\.type/);
  });
});

describe("this.airflow on a run without Airflow", () => {
  it("rejects every call with AirflowUnavailableError, saying where it is available and how to get a stand-in", async () => {
    const calls: [string, (self: TaskBase) => Promise<unknown>][] = [
      ['variable("region")', (self) => self.airflow.variable("region", "eu")],
      ['connection("db")', (self) => self.airflow.connection("db")],
      ['xcom.pull("A", "return_value")', (self) => self.airflow.xcom.pull("A")],
      ['xcom.push("n", …)', (self) => self.airflow.xcom.push("n", 1)],
    ];
    for (const [call, body] of calls) {
      let error: unknown;
      const result = await runLocal(
        one(async (self) => {
          try {
            await body(self);
          } catch (e) {
            error = e;
          }
        }),
        quietRun().options,
      );
      expect(result.status).toBe("success");
      expect(error).toBeInstanceOf(AirflowUnavailableError);
      expect((error as AirflowUnavailableError).resolvableBy).toBe("user");
      expect((error as Error).message).toBe(
        `task Uses: this.airflow.${call}: this run (engine local) has no Airflow behind it. Airflow Variables, Connections and XCom are available on Airflow's SDK runtime ` +
          "(wf export --engine airflow --runtime sdk); local runs and tests get a stand-in with runLocal(workflow, { airflow: { variables, connections } })",
      );
    }
  });

  it("costs nothing until used: the task context is the same shape", async () => {
    let keys: string[] = [];
    await runLocal(
      one((self) => {
        keys = Object.keys(self.context);
      }),
      quietRun().options,
    );
    expect(keys).not.toContain("airflow");
  });
});

describe("secrets read through this.airflow", () => {
  const PASSWORD = "pw-Zq81xK0d";
  const EXTRA_TOKEN = "tok-7Hc2mWq9";
  const URL_PASSWORD = "url-Pq3vXb5n";
  const API_KEY = "key-N4s8Lr2t";
  const airflow = {
    variables: { api_key: API_KEY, region: "eu-west-1" },
    connections: {
      warehouse: { type: "postgres", host: "db.example", login: "etl", password: PASSWORD, extra: JSON.stringify({ auth: { token: EXTRA_TOKEN }, mirror: `postgres://etl:${URL_PASSWORD}@mirror.example/db` }) },
    },
  };
  const SECRETS = { PASSWORD, EXTRA_TOKEN, URL_PASSWORD, API_KEY };

  /** Reads the connection and the variables, then lets every secret out every way a task can. */
  const leaky = one(async (self) => {
    const db = await self.airflow.connection("warehouse");
    const key = await self.airflow.variable("api_key");
    const region = await self.airflow.variable("region");
    const all = `${db.password} ${(db.extra["auth"] as { token: string }).token} ${URL_PASSWORD} ${key} in ${region}`;
    self.logger.info(`connecting with ${all}`, { detail: all });
    self.events.emit("connected", { detail: all });
    await self.catalog.put("note", { value: "fine" });
    throw new Error(`could not connect with ${all}`);
  });

  it("masks them in the log lines, run.log, events.jsonl, result.json and the run log from then on; plain values stay", async () => {
    const run = quietRun({ airflow });
    const result = await runLocal(leaky, run.options);
    expect(result.status).toBe("failed");
    const files = filesUnder(run.options.home!);
    expect(files.map((f) => path.basename(f.file))).toEqual(expect.arrayContaining(["run.log", "events.jsonl", "result.json"]));
    expect(files.some((f) => f.file.includes(`${path.sep}run-log${path.sep}`))).toBe(true);
    const outputs = [...files, { file: "log lines", text: JSON.stringify(run.lines) }, { file: "events", text: JSON.stringify(run.events) }, { file: "result", text: JSON.stringify(result.tasks[0]!.attempts) }];
    for (const { file, text } of outputs) {
      for (const [name, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${name} in ${file}`).toBe(false);
    }
    const runLog = files.find((f) => path.basename(f.file) === "run.log")!.text;
    expect(runLog).toContain("connecting with [masked] [masked] [masked] [masked] in eu-west-1");
    const resultJson = files.find((f) => path.basename(f.file) === "result.json")!.text;
    expect(resultJson).toContain("could not connect with [masked] [masked] [masked] [masked] in eu-west-1");
    const events = files.find((f) => path.basename(f.file) === "events.jsonl")!.text;
    expect(events).toContain('"detail":"[masked] [masked] [masked] [masked] in eu-west-1"');
  });

  it("teaches only that run: a second run (same logger) that reads nothing masks nothing of them", async () => {
    const first = quietRun({ airflow });
    await runLocal(leaky, first.options);
    const second = one((self) => {
      self.logger.info(`the value is ${PASSWORD}`);
    });
    const result = await runLocal(second, { ...first.options, airflow: undefined });
    const runLog = readFileSync(path.join(result.runDir, "run.log"), "utf8");
    expect(runLog).toContain(`the value is ${PASSWORD}`);
  });
});
