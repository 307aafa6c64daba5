import { ResolvableBySchema, type ResolvableBy } from "./resolvable-by.js";
import { WfkitError } from "./wfkit-error.js";

/** How many `cause` links are followed at most: deeper chains are cut, cycles end earlier. */
const MAX_CAUSE_DEPTH = 32;

/** Node system error codes that mean a remote service or the network between failed. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "EPIPE",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

// undici (fetch) codes all start UND_ERR_; these few mean the caller's own request was bad or
// was cancelled on purpose, not that the other side failed.
const CALLER_SIDE_UNDICI_CODES = new Set([
  "UND_ERR_INVALID_ARG",
  "UND_ERR_INVALID_RETURN_VALUE",
  "UND_ERR_NOT_SUPPORTED",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_ABORTED",
  "UND_ERR_INFO",
]);

/**
 * Who can resolve whatever was thrown. A wfkit error says so itself (`resolvableBy`). Anything
 * else came from task code or a library it called: `external` when an error in its `cause`
 * chain carries a network error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, undici's UND_ERR_*
 * from `fetch`…), otherwise `user`.
 */
export function resolvableByOf(error: unknown): ResolvableBy {
  if (error instanceof WfkitError) {
    // An error from an older copy of wfkit may predate the classification.
    const own = ResolvableBySchema.safeParse((error as { resolvableBy?: unknown }).resolvableBy);
    return own.success ? own.data : "platform";
  }
  return causeChain(error).some((link) => isNetworkCode(field(link, "code"))) ? "external" : "user";
}

/**
 * The innermost `cause` of what was thrown: the error itself when it has no cause. Follows at
 * most 32 links and stops before an error seen already, so cyclic chains end.
 */
export function rootCause(error: unknown): unknown {
  return causeChain(error).at(-1);
}

/** `error`, its cause, that one's cause…: without repeats, at most 32 links deep. */
function causeChain(error: unknown): unknown[] {
  const chain = [error];
  const seen = new Set<unknown>([error]);
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    const cause = field(current, "cause");
    if (cause === undefined || seen.has(cause)) break;
    chain.push(cause);
    seen.add(cause);
    current = cause;
  }
  return chain;
}

// Classifying runs while a failure is being reported, so a throwing getter must not escape.
function field(value: unknown, key: "cause" | "code"): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isNetworkCode(code: unknown): boolean {
  if (typeof code !== "string") return false;
  return NETWORK_CODES.has(code) || (code.startsWith("UND_ERR_") && !CALLER_SIDE_UNDICI_CODES.has(code));
}
