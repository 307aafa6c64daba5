// The real-Airflow helpers themselves, on a hand-written DAG: DagBag import, dag.test() runs,
// the `airflow dags test` CLI and the task logs each gives.
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  airflowAvailability,
  airflowCli,
  createAirflowHome,
  loadDagBag,
  readTaskLogs,
  testDags,
  type AirflowHome,
  type AirflowMajor,
  type DagRunReport,
} from "../support/airflow.js";

const fixture = fileURLToPath(new URL("../fixtures/airflow/hand_written_dag.py", import.meta.url));
const DAG_ID = "wfkit_hand_written";
const SLOW = 180_000;

/** A describe that runs only when the globalSetup found this Airflow, and says why when not. */
function describeAirflow(major: AirflowMajor, name: string, body: (home: () => AirflowHome) => void) {
  const found = airflowAvailability(major);
  const title = found.ok ? `${name} (Airflow ${found.install.version})` : `${name} (skipped: ${found.reason.split("\n")[0]})`;
  describe.skipIf(!found.ok)(title, () => {
    let home: AirflowHome | undefined;
    beforeAll(async () => {
      if (!found.ok) return;
      home = await createAirflowHome(found.install);
      await copyFile(fixture, path.join(home.dagsFolder, "hand_written_dag.py"));
    });
    afterAll(() => home?.cleanup());
    body(() => home!);
  });
}

const states = (run: DagRunReport) => Object.fromEntries(run.tasks.map((t) => [t.taskId, t.state]));
const task = (run: DagRunReport, id: string) => run.tasks.find((t) => t.taskId === id)!;

for (const major of [3, 2] as const) {
  describeAirflow(major, "real Airflow test helpers", (home) => {
    it("loadDagBag: no import error for the DAG, its ids, edges, params; a broken file is reported", { timeout: SLOW }, async () => {
      // DagBag's safe mode skips files that mention neither "airflow" nor "dag".
      await writeFile(path.join(home().dagsFolder, "broken_dag.py"), "from airflow import DAG\nraise RuntimeError('broken on purpose')\n");
      const bag = await loadDagBag(home());
      expect(Object.keys(bag.importErrors).map((f) => path.basename(f))).toEqual(["broken_dag.py"]);
      expect(Object.values(bag.importErrors)[0]).toContain("broken on purpose");
      expect(bag.dags.map((d) => d.dagId)).toEqual([DAG_ID]);
      const dag = bag.dags[0]!;
      expect(dag).toMatchObject({ tags: ["fixture", "wfkit"], schedule: null, catchup: false, docMd: "Hand-written fixture for the Airflow test helpers." });
      expect(dag.params).toEqual({
        who: { default: "world", hasDefault: true, description: "who to greet", schema: { type: "string" } },
        count: { default: 1, hasDefault: true, description: null, schema: { type: "integer", minimum: 0 } },
      });
      expect(dag.tasks.map((t) => [t.taskId, t.upstream, t.downstream])).toEqual([
        ["after_boom", ["boom"], []],
        ["after_maybe", ["maybe"], []],
        ["boom", ["greet"], ["after_boom"]],
        ["greet", [], ["boom", "maybe"]],
        ["maybe", ["greet"], ["after_maybe"]],
      ]);
      const greet = dag.tasks.find((t) => t.taskId === "greet")!;
      expect(greet).toMatchObject({
        operator: "BashOperator",
        retries: 0,
        retryDelaySeconds: 300,
        queue: "default",
        env: { WHO: "{{ params.who }}", COUNT: "{{ params.count }}", RAW: "{{ not rendered }}" },
        literal: ["env.RAW"],
      });
      expect(dag.tasks.find((t) => t.taskId === "boom")).toMatchObject({ retries: 1, retryDelaySeconds: 1 });
    });

    it("testDags: success, skipped (exit 99), failed after a retry; conf reaches bash; logs per task", { timeout: SLOW }, async () => {
      const [run, rejected] = await testDags(home(), [
        { dagId: DAG_ID, conf: { who: "airflow", count: 3 } },
        { dagId: DAG_ID, conf: { count: -1 } },
      ]);
      expect(run!.state).toBe("failed");
      expect(states(run!)).toEqual({
        greet: "success",
        maybe: "skipped",
        after_maybe: "skipped",
        boom: "failed",
        after_boom: "upstream_failed",
      });
      expect(task(run!, "greet").log).toContain("hello airflow x3 raw={{ not rendered }}");
      const boom = task(run!, "boom");
      expect(boom.tryNumber).toBe(2);
      expect(boom.attemptLogs.map((l) => l.includes(`boom on attempt`))).toEqual([true, true]);
      expect(boom.attemptLogs[1]).toContain("boom on attempt 2");
      expect(task(run!, "greet").log).not.toContain("boom on attempt");
      expect(rejected).toMatchObject({ state: "error", tasks: [] });
      expect(rejected!.error).toMatch(/^ParamValidationError: .*count/);
    });

    if (major !== 3) return; // the CLI is checked on the version the tests require
    it("airflowCli dags test: exit code, and each task's log from its output", { timeout: SLOW }, async () => {
      const out = await airflowCli(home(), ["dags", "test", DAG_ID, "--conf", JSON.stringify({ who: "cli" })]);
      expect(out.code).toBe(1); // boom fails
      const logs = await readTaskLogs(home(), DAG_ID, out.stdout);
      expect(Object.keys(logs).sort()).toEqual(["boom", "greet", "maybe"]);
      expect(logs["greet"]).toContain("hello cli x1 raw={{ not rendered }}");
      expect(logs["maybe"]).toContain("nothing to do");
      expect(logs["greet"]).not.toContain("nothing to do");
    });
  });
}
