import { inspect } from "node:util";
import { box } from "tslog/pretty/box";
import { colors as pc } from "../util/colors.js";
import { boxWidth, wrap } from "../util/word-wrap.js";
import { errorMessage, errorName } from "../errors/wfkit-error.js";
import { resolvableByOf, rootCause } from "../errors/classify-error.js";
import { RESOLVABLE_BY_DESCRIPTIONS } from "../errors/resolvable-by.js";
import { loadCodePositions } from "./load-code-position.js";
import { CoreLogger, type WfLogger } from "./logger.js";
import type { LogFields } from "./log-fields.js";

/** A task attempt that failed. */
export interface TaskFailure {
  task: string;
  dagId: string;
  attempt: number;
  /** What the task threw, as thrown. */
  error: unknown;
  /** Set when another attempt follows: the report is one warning line, the stack goes to the run log. */
  retry?: { nextAttempt: number; delaySeconds: number } | undefined;
}

function headline(error: unknown): string {
  return `${errorName(error)}: ${errorMessage(error)}`;
}

/** The full text of an error: its stack and its causes' (Node's own rendering). */
function fullStack(error: unknown): string {
  return error instanceof Error ? inspect(error, { depth: 6, colors: false, breakLength: 120 }) : headline(error);
}

/**
 * Report a failed task attempt, once, at the end of its lifecycle: the one place a task's stack
 * trace is printed. When a person watches the console (pretty format on a terminal) it gets a
 * few lines: task and workflow, the error, its root cause, the user's file:line where it was
 * thrown, who can fix it, and the run log that holds the full stack; boxed with
 * WF_LOG_EXCEPTION_FORMATTER=pretty. Elsewhere (an Airflow worker) the console gets the full
 * error. A retry is one warning line; its stack goes to the run log only.
 */
export async function reportTaskFailure(logger: WfLogger, failure: TaskFailure): Promise<void> {
  const { task, error, retry } = failure;
  if (!logger.isLevelEnabled(retry ? "warn" : "error")) return;
  const { displayFile, thrownAt } = await loadCodePositions();
  const root = rootCause(error);
  const at = thrownAt(error);
  const where = at === undefined ? undefined : `${at.file}:${at.line}`;
  const resolvableBy = resolvableByOf(error);
  // A retry's line says it all in its message; a final failure's fields are for machines.
  const fields: LogFields = retry ? {} : { error: headline(error) };
  if (!retry && root !== error) fields["root_cause"] = headline(root);
  if (where !== undefined) fields["thrown_at"] = where;
  if (!retry) fields["resolvable_by"] = resolvableBy;
  const message = retry
    ? `attempt ${failure.attempt} failed, retrying in ${retry.delaySeconds} s: ${headline(error)}`
    : `task failed: ${headline(error)}`;
  if (!(logger instanceof CoreLogger)) {
    // A caller's own logger: it gets the error object and renders it as it likes.
    (retry ? logger.warn : logger.error).call(logger, message, { ...fields, error });
    return;
  }
  const core = logger.core;
  const runLog = core.runLog;
  if (runLog !== undefined && !retry) fields["run_log"] = runLog;
  const record = core.record(logger, retry ? 4 : 5, message, fields);
  // The core's masking rule (the run's: its secret values too), like every line it writes.
  const mask = (text: string) => core.masker.text(text);
  const stack = mask(fullStack(error));
  if (retry) {
    core.emitFailure(logger, record, stack, null);
    return;
  }
  const lines = [mask(headline(error))];
  if (root !== error) lines.push(`root cause: ${mask(headline(root))}`);
  if (at !== undefined) lines.push(`at ${where}${at.function ? ` in ${at.function}` : ""}`);
  lines.push(`${resolvableBy} error: ${RESOLVABLE_BY_DESCRIPTIONS[resolvableBy]}`);
  lines.push(runLog === undefined ? "full stack below" : `full log and stack: ${displayFile(runLog)}`);
  const title = `✖ ${task} failed · ${failure.dagId} · attempt ${failure.attempt}`;
  const color = core.options.color;
  let short: string;
  if (core.options.exceptionFormatter === "pretty") {
    const width = boxWidth(process.stderr.columns);
    short = box(lines.flatMap((l) => wrap(l, width)), { title: ` ${title} `, borderStyle: "round" });
    if (color) short = pc.red(short);
  } else {
    short = [color ? pc.red(title) : title, ...lines.map((l) => `  ${l}`)].join("\n");
  }
  if (runLog === undefined) short += `\n${stack}`;
  core.emitFailure(logger, record, stack, short);
}
