/**
 * The local engine: runs a workflow in this process — in a user's own tests, on a laptop, and
 * behind `wf run`. Import it from `"wfkit/local"`; the result's types (`RunResult`, …) and the
 * errors a run can throw before it starts (`WorkflowValidationError`, `ParamsValidationError`)
 * come from `"wfkit"`.
 *
 * @packageDocumentation
 * @module wfkit/local
 */

/** Run a workflow in process and get its result; the params it takes. */
export { runLocal, type ParamsInputOf } from "./local-engine.js";
/** Options of `runLocal`. */
export type { LocalRunOptions } from "./local-run-options.js";
/**
 * For callers that read the WF_* configuration once themselves (`wf run`): compile `runLocal`'s
 * options against it, then run with the compiled options.
 */
export { compileLocalRunOptions, type CompiledLocalRunOptions } from "./local-run-options.js";
export { runLocalCompiled } from "./local-engine.js";
/** Bad `runLocal` options. */
export { LocalRunOptionsError } from "./errors.js";
/**
 * Re-running an earlier run (`runLocal(workflow, { rerun: { runId } })`): what to re-run, and
 * why it cannot be (not in the run log or still running; the workflow changed since, without
 * `force`; secret params to give again; a bad request).
 */
export { type RerunRequest, RerunNotPossibleError, RerunRefusedError, RerunParamsError, RerunOptionsError } from "../../src/engine.js";
/** A logger for the `logger` option, e.g. `createLogger({ destination: (line) => lines.push(line) })` to capture a run's lines in a test. */
export { createLogger } from "../../src/engine.js";
