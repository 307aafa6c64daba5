import { createEvent } from "../events/create-event.js";
import type { RunContext } from "./run-context.js";
import type { AttemptResult, RunResult, RunStatus } from "./run-result.js";
import { runEndEvent } from "./run-end-event.js";
import { RESULT_FILE, writeRunResult } from "./write-run-result.js";
import { markUnrecorded } from "./write-failures.js";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Workflow } from "../workflow/workflow.js";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import { openRunLogWriter } from "../run-log/open-run-log-writer.js";
import { codeIdentity } from "../run-log/code-identity.js";
import { RUN_LOG_SCHEMA_VERSION, type RunRecord } from "../run-log/run-log-record.js";
import { isoTime } from "../logging/log-record.js";

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

/** What a step knows of the run besides its context: the engine's input to the lifecycle. */
export interface RunStepInput {
  workflow: Workflow;
  /** Where the run is recorded. */
  runLog: CompiledRunLogOptions;
  /** The run's tags (`wf run --tag`). */
  tags: readonly string[];
  /** The workflow module's folder: where its package and git checkout are looked for. */
  codeDir: string;
  /** The run this one re-runs, if it is a re-run. */
  originalRunId?: string | undefined;
}

/** Makes a step's hooks for one run; per-run state lives in the closure. */
export type RunStep = (run: RunContext, scope: RunScope, input: RunStepInput) => RunStepHooks;

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
 * The run log (`src/run-log/`): a `run` record when the run opens in this process, then the
 * record of every status event (`recordOfEvent`: task actions, the run's end), written at once
 * on Airflow and in notebooks; on the local engine the header and each attempt's `run` action
 * at once, the rest by the end of the event-loop turn. Either way an attempt's `run` action is
 * on disk before the task's code can kill the process. First in the list, so
 * that it hears `run.started` and everything after.
 */
const runLog: RunStep = (run, scope, input) => {
  let unsubscribe: (() => void) | undefined;
  let writer: Awaited<ReturnType<typeof openRunLogWriter>>;
  const now = run.engine !== "local";
  return {
    opened: async () => {
      const log = run.logger.child("wfkit.run-log");
      const [opened, code] = await Promise.all([
        openRunLogWriter(input.runLog, {
          onFileError: (file, error) => run.writeFailures.report(file, error),
          onWarning: (message) => log.warn(run.mask.text(message)),
        }),
        codeIdentity(input.codeDir),
      ]);
      writer = opened;
      if (writer === undefined) return;
      const header: RunRecord = {
        v: RUN_LOG_SCHEMA_VERSION,
        kind: "run",
        id: randomUUID(),
        dagId: run.dagId,
        runId: run.runId,
        at: isoTime(Date.now()),
        host: hostname(),
        pid: process.pid,
        workflow: run.workflowName,
        version: run.version,
        dagHash: run.dagHash,
        engine: run.engine,
        scope,
        params: run.mask.value(run.params, 0, undefined) as Record<string, unknown>,
        tags: [...input.tags],
        originalRunId: input.originalRunId ?? null,
        code,
        ...(run.mask.value(auditSettings(input.workflow), 0, undefined) as Pick<RunRecord, "audit">),
        tasks: input.workflow.nodes.map((node) => ({ task: node.name, upstreams: node.upstreams.map((u) => u.name), retries: node.settings.retries })),
      };
      // The header, and each attempt's `run` action with what waits before it, reach the disk
      // before task code runs: a SIGKILL (the OOM killer) in a task's first synchronous turn
      // must still leave the run and the attempt it killed on record.
      writer.write(header, true);
      const w = writer;
      unsubscribe = run.bus.subscribe((event) => w.writeEvent(event, now || event.data.action === "task.started"));
    },
    closing: async () => {
      unsubscribe?.();
      await writer?.close();
    },
  };
};

/** The workflow's audit settings for the run record, when it has any. */
function auditSettings(workflow: Workflow): Pick<RunRecord, "audit"> {
  const o = workflow.options;
  if (o.sources.length === 0 && o.targets.length === 0 && o.datasetTypes.length === 0 && o.maxConsecutiveFailures === undefined) return {};
  return { audit: { sources: workflow.sources, targets: workflow.targets, datasetTypes: [...o.datasetTypes], maxConsecutiveFailures: o.maxConsecutiveFailures ?? null } };
}

/**
 * The steps of every run on every engine, in order. Adding a step here adds it to local runs,
 * Airflow tasks and notebook runs alike.
 */
export const runSteps: RunStep[] = [runLog, resultFile, statusEvents];
