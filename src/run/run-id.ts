import * as z from "zod";
import { InvalidRunIdError } from "./errors.js";
import { pure } from "../util/pure.js";

/** A run id: safe as a folder name and as an Airflow run id. */
export const RunIdSchema = /* @__PURE__ */ pure(() => z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,249}$/,
    "a run id is 1-250 characters: ASCII letters, digits, '.', '_', ':', '+', '-', starting with a letter or digit",
  ));

/**
 * `runId` if it is safe to use as a folder name and an Airflow run id; otherwise an
 * InvalidRunIdError that says why. Every run id is checked here before any path is built from it.
 */
export function checkRunId(runId: string): string {
  const check = RunIdSchema.safeParse(runId);
  if (!check.success) {
    throw new InvalidRunIdError(`run id ${JSON.stringify(runId)} cannot be used: ${check.error.issues[0]!.message}; give another, or none to get a generated one`);
  }
  return runId;
}

// In a module of its own, free of zod, for a task start's first milliseconds.
export { newRunId } from "./new-run-id.js";
