import { ConfigError } from "../config/errors.js";
import { WfkitError, errorMessage } from "../errors/wfkit-error.js";
import { ParamsValidationError, WorkflowValidationError } from "../workflow/errors.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./errors.js";

/**
 * Print an error the way a user needs to read it and return the exit code: 1 for an invalid
 * workflow, 2 for bad input (usage, config, params, files). Anything unexpected is a wfkit bug
 * and gets its stack.
 */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof WorkflowValidationError) {
    io.err(`wf: ${error.message}\n`);
    return EXIT.FAILURE;
  }
  if (error instanceof ConfigError || error instanceof ParamsValidationError || error instanceof UsageError) {
    io.err(`wf: ${error.message}\n`);
    return EXIT.USAGE;
  }
  if (error instanceof WfkitError) {
    io.err(`wf: ${error.message}\n`);
    return EXIT.USAGE;
  }
  io.err(`wf: unexpected error (a bug in wfkit, please report it): ${errorMessage(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}\n`);
  return EXIT.FAILURE;
}
