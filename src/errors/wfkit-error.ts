import type { ResolvableBy } from "./resolvable-by.js";

/**
 * Brand carried by every wfkit error. `Symbol.for` makes it the same symbol in every copy of the
 * package loaded into one process (a kernel, a worker that bundles its own copy), so `instanceof`
 * keeps working where plain prototype checks would not.
 */
const ERROR_KINDS = Symbol.for("wfkit.error.kinds");

function kindsOf(target: Function): string[] {
  const kinds: string[] = [];
  let proto: unknown = target;
  while (typeof proto === "function" && proto !== Error && proto !== Function.prototype) {
    kinds.push((proto as Function).name);
    proto = Object.getPrototypeOf(proto);
  }
  return kinds;
}

/**
 * Base of every error wfkit throws. `name` is the class name; `cause` is kept as given;
 * `resolvableBy` says who can fix it, declared once per class as `static resolvableBy`.
 */
export class WfkitError extends Error {
  /**
   * Who can resolve errors of this class. A wfkit error nobody classified is wfkit's or the
   * platform's to fix, not the workflow author's.
   */
  static readonly resolvableBy: ResolvableBy = "platform";

  /** Who can resolve this error: its class's `resolvableBy`, copied when it was made. */
  readonly resolvableBy: ResolvableBy;

  declare readonly [ERROR_KINDS]: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // An own, enumerable property rather than a getter: it shows when the error is serialised
    // (JSON, structured logs) and survives copying the error's fields.
    this.resolvableBy = new.target.resolvableBy;
    Object.defineProperty(this, ERROR_KINDS, { value: kindsOf(new.target), enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [ERROR_KINDS]?: readonly string[] })[ERROR_KINDS];
    return Array.isArray(kinds) && kinds.includes(this.name);
  }
}

/** Human-readable text of anything that was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Class name of anything that was thrown (`"string"` etc. for non-errors). */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return error === null ? "null" : typeof error;
}
