import { BusUrlSchema } from "../src/events/events-options.js";
import { busErrorOf } from "../src/events/bus-error.js";
import type { WfkitError } from "../src/errors/wfkit-error.js";
import { maskUrlCredentials } from "../src/logging/mask.js";
import { UsageError } from "./errors.js";

/** Where a `wf events` command's broker URL came from: it is where the user fixes it. */
export type BusUrlSource = "--bus" | "WF_BUS_URL" | "default";

/** The broker URL a `wf events` command uses, and where it came from. */
export interface BusUrlChoice {
  url: string;
  /** The URL with its password masked: the only form that is ever printed. */
  masked: string;
  source: BusUrlSource;
}

/**
 * The broker URL: `--bus`, else WF_BUS_URL (already checked by loadConfig), else `fallback`.
 * A bad `--bus` is a UsageError that repeats the value only with its password masked.
 */
export function chooseBusUrl(flag: string | undefined, fromEnv: string | undefined, fallback?: string): BusUrlChoice | undefined {
  if (flag !== undefined) {
    const parsed = BusUrlSchema.safeParse(flag);
    if (!parsed.success) {
      const masked = maskUrlCredentials(flag);
      // A value too malformed for the masker may still hold a password: then it is not repeated.
      const shown = masked !== flag || !flag.includes("@") ? ` ${JSON.stringify(masked)}` : "";
      throw new UsageError(`--bus${shown}: ${parsed.error.issues[0]?.message ?? "not a broker URL"}`);
    }
    return choice(flag, "--bus");
  }
  if (fromEnv !== undefined) return choice(fromEnv, "WF_BUS_URL");
  return fallback === undefined ? undefined : choice(fallback, "default");
}

/** `--exchange`, else WF_BUS_EXCHANGE (already checked by loadConfig); a bad `--exchange` is a UsageError. */
export function chooseExchange(flag: string | undefined, fromEnv: string): string {
  if (flag === undefined) return fromEnv;
  if (flag === "" || Buffer.byteLength(flag) > 255) throw new UsageError(`--exchange ${JSON.stringify(flag.slice(0, 60))}: an exchange name has 1 to 255 bytes`);
  return flag;
}

function choice(url: string, source: BusUrlSource): BusUrlChoice {
  return { url, masked: maskUrlCredentials(url), source };
}

/** The error to report when a `wf events` command could not connect or declare `exchange`; see `busErrorOf`. */
export function busConnectError(error: unknown, bus: BusUrlChoice, exchange: string): WfkitError {
  const where = bus.source === "default" ? `--bus or WF_BUS_URL (unset, so ${bus.masked} was used)` : bus.source;
  const unreachableFix = bus.source === "default" ? "start RabbitMQ on this host, or point --bus or WF_BUS_URL at your broker" : `start the broker or fix the URL in ${bus.source}`;
  return busErrorOf(error, { url: bus.url, masked: bus.masked, where, exchange, unreachableFix });
}
