import { BusAccessRefusedError, BusSetupError, BusUnavailableError } from "./errors.js";
import { errorMessage, type WfkitError } from "../errors/wfkit-error.js";
import { maskUrlCredentials } from "../logging/mask.js";

/** The broker a failed connection was to, and how the user can change it. */
export interface BusTarget {
  url: string;
  /** The URL with its password masked: the only form that is ever printed. */
  masked: string;
  /** Where the URL comes from, e.g. `WF_BUS_URL` or `--bus`: what the user fixes. */
  where: string;
  exchange: string;
  /** What to do when the broker cannot be reached at all. */
  unreachableFix: string;
}

/**
 * The error to report when connecting to the broker (or declaring the exchange on it) failed:
 * what the broker said, masked, and what to change. The login refused, a vhost it will not
 * open or a permission missing are BusAccessRefusedError, an exchange of another kind is
 * BusSetupError (all configuration), anything else BusUnavailableError (external).
 */
export function busErrorOf(error: unknown, target: BusTarget): WfkitError {
  const reason = maskUrlCredentials(errorMessage(error));
  const { masked, where, exchange } = target;
  const options = { cause: error };
  if (/Handshake terminated by server: 403|ACCESS.REFUSED - Login/.test(reason)) {
    return new BusAccessRefusedError(`the event bus ${masked} refused the login (${reason}): fix the user or password in ${where}`, options);
  }
  if (/Expected ConnectionOpenOk|NOT.ALLOWED/.test(reason)) {
    return new BusAccessRefusedError(
      `the event bus ${masked} closed the connection when asked for virtual host ${JSON.stringify(vhostOf(target.url))} (${reason}): the vhost does not exist or the user may not use it; fix the vhost in ${where} or the user's permissions`,
      options,
    );
  }
  if (/ACCESS.REFUSED|: 403 /.test(reason)) {
    return new BusAccessRefusedError(
      `the event bus ${masked} refused access to exchange ${JSON.stringify(exchange)} (${reason}): give the user configure, write and read permissions on it and on its own queues, or use another user in ${where}`,
      options,
    );
  }
  if (/PRECONDITION.FAILED|: 406 /.test(reason)) {
    return new BusSetupError(
      `exchange ${JSON.stringify(exchange)} on ${masked} exists but is not a durable topic exchange (${reason}): use another exchange (--exchange or WF_BUS_EXCHANGE) or delete that one`,
      options,
    );
  }
  return new BusUnavailableError(`cannot reach the event bus ${masked} (${reason}): ${target.unreachableFix}`, options);
}

function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname;
    return path === "" || path === "/" ? "/" : decodeURIComponent(path.slice(1));
  } catch {
    return "/";
  }
}
