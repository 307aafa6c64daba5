/**
 * The local engine: runs a workflow in this process — in a user's own tests, on a laptop, and
 * behind `wf run`. Import it from `"wfkit/local"`.
 *
 * @packageDocumentation
 */

/** Run a workflow in process and get its result. */
export { runLocal, runLocalCompiled, type ParamsInputOf } from "./local-engine.js";
/** Options of `runLocal`: schema, user type, resolved type and the resolver. */
export {
  LocalRunOptionsSchema,
  compileLocalRunOptions,
  type LocalRunOptions,
  type CompiledLocalRunOptions,
} from "./local-run-options.js";
/** Bad `runLocal` options. */
export { LocalRunOptionsError } from "./errors.js";
