import path from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { openRunLog, type RunLog } from "../../src/run-log-query/open-run-log.js";
import { RunStateSchema, RunSummarySchema, type RunState } from "../../src/run-log/run-view.js";
import { TaskActionSchema, type TaskAction } from "../../src/run-log/run-log-record.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { parsePositiveInt } from "../parse-options.js";
import { renderActions, renderRun, renderRunList } from "../render-runs.js";
import { didYouMeanSuffix } from "../../src/util/did-you-mean.js";
import { compileRunLogOptions } from "../../src/run-log/run-log-options.js";
import { runLogOptionsFromConfig } from "../../src/config/run-log-from-config.js";
import { maskUrlCredentials } from "../../src/logging/mask.js";
import { errorMessage } from "../../src/errors/wfkit-error.js";

/** Options every `wf runs` command has. */
export interface RunsOptions {
  /** `file` or a PostgreSQL URL (default WF_RUN_LOG). */
  store?: string;
  json?: boolean;
  debug?: boolean;
}

async function withRunLog<T>(io: CliIo, options: RunsOptions, body: (log: RunLog) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const log = await openRunLog({
    env: io.env,
    home: path.resolve(io.cwd, config.WF_HOME),
    store: options.store,
    onSkipped: (file, line, why) => io.err(`wf: skipped ${file}${line > 0 ? `:${line}` : ""} of the run log: ${why}\n`),
  });
  try {
    return await body(log);
  } finally {
    await log.close();
  }
}

function json(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** `wf runs list`: the recorded runs, newest first. */
export async function runsListCommand(
  io: CliIo,
  options: RunsOptions & { workflow?: string; dagId?: string; status?: string; since?: string; tag?: string; limit?: string },
): Promise<number> {
  const status = options.status === undefined ? undefined : choice("--status", options.status, RunStateSchema.options);
  const limit = options.limit === undefined ? 20 : parsePositiveInt("--limit", options.limit);
  return withRunLog(io, options, async (log) => {
    const runs = await log.runs({ workflow: options.workflow, dagId: options.dagId, status: status as RunState | undefined, since: options.since, tag: options.tag, limit });
    if (options.json) json(io, runs.map((r) => RunSummarySchema.parse(r)));
    else io.out(renderRunList(runs, io.color));
    return EXIT.OK;
  });
}

/** `wf runs show RUN_ID`: one run's tasks, attempts and timeline. */
export async function runsShowCommand(io: CliIo, runId: string, options: RunsOptions & { dagId?: string }): Promise<number> {
  return withRunLog(io, options, async (log) => {
    const run = await log.run(runId, { dagId: options.dagId });
    if (options.json) json(io, run);
    else io.out(renderRun(run, io.color));
    return EXIT.OK;
  });
}

/** `wf runs actions`: task actions, newest first (Rocketry's `filter_by`). */
export async function runsActionsCommand(
  io: CliIo,
  options: RunsOptions & { task?: string; action?: string; dagId?: string; runId?: string; since?: string; limit?: string },
): Promise<number> {
  const action = options.action === undefined ? undefined : choice("--action", options.action, TaskActionSchema.options);
  const limit = options.limit === undefined ? 100 : parsePositiveInt("--limit", options.limit);
  return withRunLog(io, options, async (log) => {
    const actions = await log.actions({ task: options.task, action: action as TaskAction | undefined, dagId: options.dagId, runId: options.runId, since: options.since, limit });
    if (options.json) json(io, actions);
    else io.out(renderActions(actions, io.color));
    return EXIT.OK;
  });
}

/** `wf runs prune --older-than 30d`: remove old runs' records and run folders. */
export async function runsPruneCommand(io: CliIo, options: RunsOptions & { olderThan?: string }): Promise<number> {
  if (options.olderThan === undefined) throw new UsageError("give --older-than, e.g. --older-than 30d or --older-than 2026-11-01: runs older than it are removed");
  return withRunLog(io, options, async (log) => {
    const pruned = await log.prune(options.olderThan!);
    if (options.json) json(io, pruned);
    else io.out(`removed ${pruned.runs} run${pruned.runs === 1 ? "" : "s"} from the run log (${log.description}) and ${pruned.folders} run folder${pruned.folders === 1 ? "" : "s"}\n`);
    return EXIT.OK;
  });
}

function choice(option: string, value: string, allowed: readonly string[]): string {
  if (allowed.includes(value)) return value;
  throw new UsageError(`${option} ${JSON.stringify(value)}: expected one of ${allowed.join(", ")}${didYouMeanSuffix(value, allowed)}`);
}

/**
 * `wf runs sync`: send the records that wait in `<WF_HOME>/run-log/pending/` (left by processes
 * that ended while PostgreSQL was unreachable) to the PostgreSQL run log. 0 when nothing is
 * left, 1 when PostgreSQL still cannot take them, 2 when the run log is not PostgreSQL.
 */
export async function runsSyncCommand(io: CliIo, options: RunsOptions & { allHosts?: boolean }): Promise<number> {
  const config = loadConfig(io.env);
  const home = path.resolve(io.cwd, config.WF_HOME);
  const compiled = compileRunLogOptions({ ...runLogOptionsFromConfig(config), ...(options.store === undefined ? {} : { store: options.store }) }, home);
  if (compiled.store !== "postgres") throw new UsageError("wf runs sync sends waiting records to PostgreSQL: set WF_RUN_LOG (or --store) to a postgres:// URL");
  const { openPostgresRunLogStore } = await import("../../src/run-log/postgres-store.js");
  const { replayPendingRunLog } = await import("../../src/run-log/postgres-pending.js");
  let store;
  try {
    store = await openPostgresRunLogStore(compiled);
  } catch (error) {
    io.err(`wf: ${maskUrlCredentials(errorMessage(error))}\n`);
    return EXIT.FAILURE;
  }
  try {
    const sent = await replayPendingRunLog(store, home, { otherHosts: options.allHosts === true, onWarning: (message) => io.err(`wf: ${message}\n`) });
    if (options.json) json(io, sent);
    else io.out(`sent ${sent.records} record${sent.records === 1 ? "" : "s"} from ${sent.files} pending file${sent.files === 1 ? "" : "s"} to ${store.description}\n`);
    return EXIT.OK;
  } catch (error) {
    io.err(`wf: ${maskUrlCredentials(errorMessage(error))}; the records stay in ${path.join(home, "run-log", "pending")}: run wf runs sync again once PostgreSQL is reachable\n`);
    return EXIT.FAILURE;
  } finally {
    await store.close();
  }
}
