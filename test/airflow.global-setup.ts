// Finds or builds the real-Airflow venvs once per vitest run and hands the result to the tests
// (airflowAvailability in test/support/airflow.ts). Under CI=true a missing Airflow fails the run;
// elsewhere the tests that need it are skipped with the reason, and this prints it once.
import type { TestProject } from "vitest/node";
import { ensureAirflow, type AirflowMajor, type Availability } from "./support/airflow.js";
import { ensureSchedulerAirflow } from "./support/airflow-scheduler.js";

/** vitest globalSetup: build or find Airflow 3, Airflow 2 and the real-scheduler venv (in parallel) and provide what was found. */
export default async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const [three, two, scheduler] = await Promise.all([ensureAirflow(3), ensureAirflow(2), ensureSchedulerAirflow()]);
  const found: Record<`${AirflowMajor}`, Availability> = { 3: three, 2: two };
  const ready: string[] = [];
  const missing: string[] = [];
  for (const [major, a] of Object.entries(found)) {
    if (a.ok) ready.push(a.install.version);
    else missing.push(`Airflow ${major}: ${a.reason}`);
  }
  // The real-scheduler tests' venv: Airflow 3 with the Celery provider and the PostgreSQL drivers.
  if (scheduler.ok) ready.push(`${scheduler.install.version} (scheduler venv)`);
  else missing.push(`Airflow 3 scheduler venv: ${scheduler.reason}`);
  if (missing.length > 0 && process.env["CI"] === "true") {
    throw new Error(`real Airflow is required under CI=true:\n${missing.join("\n")}`);
  }
  for (const reason of missing) console.warn(`[airflow] skipping the tests that need it: ${reason.split("\n")[0]}`);
  if (ready.length > 0) console.log(`[airflow] ${ready.join(", ")} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("wfkitAirflow", found);
  project.provide("wfkitAirflowScheduler", scheduler);
}
