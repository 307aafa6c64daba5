import { createEvent } from "../events/create-event.js";
import type { RunContext } from "./run-context.js";
import type { AttemptResult, RunResult, RunStatus } from "./run-result.js";
import { runEndEvent } from "./run-end-event.js";
import { RESULT_FILE, writeRunResult } from "./write-run-result.js";
import { markUnrecorded } from "./write-failures.js";
import path from "node:path";

/** Which part of a run a process sees: the whole run, or one task of it (an Airflow worker). */
export type RunScope = "run" | "task";

/**
 * What one step does at each point of a run (all optional). Hooks run in the order the steps
 * are listed, and each is awaited before the next.
 */
export interface RunStepHooks {
  /** The run is open (directory, run log, events, progress) and no task has started. */
  opened?(): void | Promise<void>;
  /** One attempt of `task` ended; its events are published and a failure is reported. */
  attemptEnded?(task: string, attempt: AttemptResult): void | Promise<void>;
  /** A whole run has its result (scope `run` only; a notebook may finish more than once). */
  finished?(result: RunResult): void | Promise<void>;
  /** The run is closing: the last moment its event outputs and run log are still open. */
  closing?(): void | Promise<void>;
}

/** Makes a step's hooks for one run; per-run state lives in the closure. */
export type RunStep = (run: RunContext, scope: RunScope) => RunStepHooks;

/** The run's first and last status events: `run.started`, and `run.succeeded`/`failed`/`terminated` once per new status. */
const statusEvents: RunStep = (run, scope) => {
  if (scope !== "run") return {};
  let published: RunStatus | undefined;
  return {
    opened: () => void run.bus.publish(createEvent(run, "run.started", { params: run.params })),
    finished: (result) => {
      if (published === result.status) return;
      published = result.status;
      run.bus.publish(runEndEvent(run, result));
    },
  };
};

/**
 * `result.json` in the run directory, rewritten on every finish. A write that fails is one of
 * the run's write failures: the result (which the caller still has) says the run failed.
 */
const resultFile: RunStep = (run, scope) => {
  if (scope !== "run") return {};
  return {
    finished: async (result) => {
      try {
        await writeRunResult(result);
      } catch (error) {
        run.writeFailures.report(path.join(run.runDir, RESULT_FILE), error);
        markUnrecorded(run, result);
      }
    },
  };
};

/**
 * The steps of every run on every engine, in order. Adding a step here adds it to local runs,
 * Airflow tasks and notebook runs alike.
 */
export const runSteps: RunStep[] = [resultFile, statusEvents];
