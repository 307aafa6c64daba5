import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/**
 * A template that could let a value skip the typed escaping, or a value that reached a template
 * helper unescaped. wfkit's templates and renderers are the platform's code, not the workflow's.
 */
export class UnsafeTemplateError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}
