/** A W3C trace context: the `traceparent` header's text and the `tracestate` that goes with it. */
export interface TraceParent {
  traceparent: string;
  tracestate?: string | undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const TRACESTATE_MEMBER = /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Why `text` is not a W3C `traceparent` (version 00, or a later one read as 00 says), or undefined when it is one. */
export function traceParentProblem(text: string): string | undefined {
  const m = TRACEPARENT.exec(text);
  const hint = "a W3C traceparent is 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>, lower case";
  if (m === null) return `not a traceparent; ${hint}`;
  if (m[1] === "ff") return `version ff is invalid; ${hint}`;
  if (m[1] === "00" && m[5] !== undefined) return `version 00 has four fields; ${hint}`;
  if (/^0+$/.test(m[2]!)) return "the trace id is all zeros, which W3C trace context makes invalid";
  if (/^0+$/.test(m[3]!)) return "the span id is all zeros, which W3C trace context makes invalid";
  return undefined;
}

/** Why `text` is not a W3C `tracestate` (at most 32 `key=value` members, comma-separated), or undefined when it is one. */
export function traceStateProblem(text: string): string | undefined {
  const members = text.split(",").map((m) => m.trim()).filter((m) => m !== "");
  if (members.length > 32) return `a tracestate has at most 32 members, not ${members.length}`;
  const bad = members.find((m) => !TRACESTATE_MEMBER.test(m));
  return bad === undefined ? undefined : `"${bad}" is not a tracestate member (key=value, the key lower case)`;
}

/** The DAG run conf key that carries a parent trace context for wfkit's spans (a traceparent string). */
export const CONF_TRACEPARENT = "wfkit/traceparent";
/** The conf key of the tracestate that goes with {@link CONF_TRACEPARENT}. */
export const CONF_TRACESTATE = "wfkit/tracestate";
/** Airflow 3's own conf key: a traceparent string, or a mapping with `traceparent` and `tracestate`. */
export const CONF_AIRFLOW_PARENT = "airflow/dagrun_parent_trace_context";

/** Conf keys under these prefixes are settings of wfkit or Airflow, never run params. */
export const RESERVED_CONF_PREFIXES = ["wfkit/", "airflow/"] as const;
/** The conf keys a parent trace context is read from. */
export const TRACE_CONF_KEYS = [CONF_TRACEPARENT, CONF_TRACESTATE, CONF_AIRFLOW_PARENT] as const;

/** Whether a DAG run conf key is a setting (`wfkit/…`, `airflow/…`) rather than a run param. */
export function isReservedConfKey(key: string): boolean {
  return RESERVED_CONF_PREFIXES.some((prefix) => key.startsWith(prefix));
}

/**
 * The parent trace context a DAG run's conf gives: wfkit's own keys first, else Airflow's
 * `airflow/dagrun_parent_trace_context`. Undefined when it gives none. Throws an Error that
 * says which key is wrong and why when the one it uses is not a valid trace context.
 */
export function traceParentOfConf(conf: Readonly<Record<string, unknown>>): TraceParent | undefined {
  const own = conf[CONF_TRACEPARENT];
  if (own !== undefined && own !== null && own !== "") {
    return checked(CONF_TRACEPARENT, own, conf[CONF_TRACESTATE], CONF_TRACESTATE);
  }
  const airflow = conf[CONF_AIRFLOW_PARENT];
  if (airflow === undefined || airflow === null || airflow === "") return undefined;
  if (typeof airflow === "object" && !Array.isArray(airflow)) {
    const carrier = airflow as Record<string, unknown>;
    if (carrier["traceparent"] === undefined || carrier["traceparent"] === null || carrier["traceparent"] === "") return undefined;
    return checked(`${CONF_AIRFLOW_PARENT}.traceparent`, carrier["traceparent"], carrier["tracestate"], `${CONF_AIRFLOW_PARENT}.tracestate`);
  }
  return checked(CONF_AIRFLOW_PARENT, airflow, undefined, "");
}

function checked(key: string, traceparent: unknown, tracestate: unknown, stateKey: string): TraceParent {
  if (typeof traceparent !== "string") throw new Error(`${key} is ${traceparent === undefined ? "missing" : `a ${typeof traceparent}`}; give a traceparent string`);
  const problem = traceParentProblem(traceparent);
  if (problem !== undefined) throw new Error(`${key} ${JSON.stringify(traceparent)}: ${problem}`);
  if (tracestate === undefined || tracestate === null || tracestate === "") return { traceparent };
  const stateProblem = typeof tracestate === "string" ? traceStateProblem(tracestate) : "not a string";
  // A bad tracestate is dropped, as W3C trace context says of a receiver; the traceparent stands.
  return stateProblem === undefined ? { traceparent, tracestate: tracestate as string } : { traceparent };
}
