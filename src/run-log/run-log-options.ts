import path from "node:path";
import * as z from "zod";
import { maskUrlCredentials } from "../logging/mask.js";
import { RunLogOptionsError } from "./errors.js";
import { PARSE_ONCE } from "../util/parse-once.js";
import { pure } from "../util/pure.js";

/** `file`, `off`, or a `postgres://` / `postgresql://` URL; the message never repeats the URL's password. */
export const RunLogSettingSchema = /* @__PURE__ */ pure(() => z.string().refine((value) => {
  if (value === "file" || value === "off") return true;
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}, "must be `file`, `off` or a PostgreSQL URL such as postgres://user:password@db:5432/wfkit"));

/** Where runs are recorded and how strictly. */
export const RunLogOptionsSchema = /* @__PURE__ */ pure(() => z.object({
  store: RunLogSettingSchema.default("file").describe("`file` (under WF_HOME), `off`, or a PostgreSQL URL (WF_RUN_LOG)"),
  strict: z.boolean().default(false).describe("A store that cannot be reached fails the run at start, instead of keeping records in the file store until it is back (WF_RUN_LOG_STRICT)"),
}));

/** Run-log options as users give them. */
export type RunLogOptions = z.input<typeof RunLogOptionsSchema>;

/** Run-log options resolved: which store, its URL, the home whose file store keeps records (and what PostgreSQL could not take). */
export interface CompiledRunLogOptions {
  store: "file" | "off" | "postgres";
  /** The PostgreSQL URL (store `postgres`). */
  url: string | undefined;
  strict: boolean;
  /** Absolute WF_HOME: `<home>/run-log/` is the file store. */
  home: string;
}

/** Resolve run-log options against `home`. Throws RunLogOptionsError listing every problem. */
export function compileRunLogOptions(options: RunLogOptions | undefined, home: string): CompiledRunLogOptions {
  const parsed = RunLogOptionsSchema.safeParse(options ?? {}, PARSE_ONCE);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "options"}: ${issue.message}`);
    throw new RunLogOptionsError(`invalid run-log options (fix each one):\n${problems.join("\n")}`);
  }
  const { store, strict } = parsed.data;
  const postgres = store !== "file" && store !== "off";
  return { store: postgres ? "postgres" : (store as "file" | "off"), url: postgres ? store : undefined, strict, home: path.resolve(home) };
}

/** The store for messages: `file <folder>`, `off`, or the URL with its password masked. */
export function describeRunLogStore(options: CompiledRunLogOptions): string {
  if (options.store === "postgres") return maskUrlCredentials(options.url!);
  return options.store === "file" ? `file ${path.join(options.home, "run-log")}` : "off";
}
