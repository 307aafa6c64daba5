import { box } from "tslog/pretty/box";
import { WfkitError, errorMessage } from "../src/errors/wfkit-error.js";
import { RESOLVABLE_BY_DESCRIPTIONS } from "../src/errors/resolvable-by.js";
import { maskUrlCredentials } from "../src/logging/mask.js";
import { WorkflowValidationError } from "../src/workflow/errors.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { boxWidth, wrap } from "../src/util/word-wrap.js";

/** Whether errors are boxed: WF_LOG_EXCEPTION_FORMATTER, `auto` (or unreadable) meaning on a terminal. */
function boxed(io: CliIo): boolean {
  const setting = io.env["WF_LOG_EXCEPTION_FORMATTER"]?.trim();
  if (setting === "pretty") return true;
  if (setting === "plain") return false;
  return io.errTTY === true;
}


/**
 * Print an error the way a user needs to read it and return the exit code: 1 for an invalid
 * workflow, 2 for bad input (usage, config, params, files). On a terminal (or with
 * WF_LOG_EXCEPTION_FORMATTER=pretty) a wfkit error is boxed with who can fix it; as plain text
 * it is `wf: <message>`. With `debug` (`--debug`) the stack of its cause, or its own, comes
 * first. Anything else is a wfkit bug and gets its stack.
 */
export function reportError(io: CliIo, error: unknown, debug = false): number {
  const tool = missingTool(error);
  if (tool !== undefined) {
    io.err(`wf: this command needs ${tool}, a peer dependency of wfkit that is not installed here: npm install --save-dev ${tool} (wf install leaves wfkit's build tools off Airflow workers, which run compiled modules)\n`);
    return EXIT.USAGE;
  }
  if (!(error instanceof WfkitError)) {
    io.err(`wf: unexpected error (a bug in wfkit, please report it): ${errorMessage(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}\n`);
    return EXIT.FAILURE;
  }
  const message = maskUrlCredentials(error.message);
  // --debug: the stack of what went wrong underneath (the user's own error), else of the error itself.
  const stackOf = (e: unknown) => (e instanceof Error ? e.stack : undefined);
  const stack = debug ? (stackOf(error.cause) ?? stackOf(error)) : undefined;
  if (stack !== undefined) io.err(`${maskUrlCredentials(stack)}\n`);
  if (!boxed(io)) {
    io.err(`wf: ${message}\n`);
  } else {
    const width = boxWidth(process.stderr.columns);
    const lines = [...message.split("\n"), "", `${error.resolvableBy} error: ${RESOLVABLE_BY_DESCRIPTIONS[error.resolvableBy]}`].flatMap((l) => wrap(l, width));
    io.err(`${box(lines, { title: ` ✖ wf: ${error.name} `, borderStyle: "round" })}\n`);
  }
  return error instanceof WorkflowValidationError ? EXIT.FAILURE : EXIT.USAGE;
}

/** The build tool (a peer dependency of wfkit) whose absence made a command's import fail. */
function missingTool(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== "ERR_MODULE_NOT_FOUND") return undefined;
  return /Cannot find (?:package|module) '(tsx|ts-morph|esbuild|handlebars|archiver)[/']/.exec(errorMessage(error))?.[1];
}
