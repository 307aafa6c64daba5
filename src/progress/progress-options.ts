import * as z from "zod";
import { ProgressOptionsError } from "./errors.js";
import { PARSE_ONCE } from "../util/parse-once.js";
import { pure } from "../util/pure.js";

/** How progress is shown. `auto`: notebook on the notebook engine, bars on a terminal, log lines elsewhere. */
export const ProgressModeSchema = /* @__PURE__ */ pure(() => z.enum(["auto", "bars", "log", "notebook", "off"]));
/** How progress is shown. */
export type ProgressMode = z.infer<typeof ProgressModeSchema>;

/** Levels of the progress tree: the run, its tasks, and the trackers task code creates. */
export const ProgressLevelSchema = /* @__PURE__ */ pure(() => z.enum(["run", "tasks", "steps"]));
/** A level of the progress tree. */
export type ProgressLevel = z.infer<typeof ProgressLevelSchema>;

/** A terminal to draw bars on: process.stderr or anything shaped like it. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/**
 * Options of the progress presenters, with their defaults. `progressOptionsFromConfig` fills
 * them from the WF_PROGRESS* variables.
 */
export const ProgressOptionsSchema = /* @__PURE__ */ pure(() => z.strictObject({
  mode: ProgressModeSchema.default("auto").describe("bars, log, notebook, off, or auto"),
  levels: z.array(ProgressLevelSchema).default(["run", "tasks", "steps"]).describe("Which levels are shown"),
  logIntervalSeconds: z.number().positive().default(30).describe("`log`: seconds between a running tracker's lines"),
  notebookIntervalSeconds: z.number().positive().default(5).describe("`notebook`: at most one update per this many seconds"),
  refreshMs: z.number().int().min(16).default(100).describe("`bars`: milliseconds between redraws"),
  stream: z
    .custom<TerminalStream>((v) => typeof v === "object" && v !== null && typeof (v as TerminalStream).write === "function", "expected a writable stream")
    .optional()
    .describe("`bars`: the terminal; default process.stderr"),
  write: z
    .custom<(text: string) => void>((v) => typeof v === "function", "expected a function")
    .optional()
    .describe("`notebook`: where the text goes; default process.stderr"),
}));

/** Progress options as a user gives them. */
export type ProgressOptions = z.input<typeof ProgressOptionsSchema>;

/** Progress options with every default resolved and `auto` decided. */
export interface CompiledProgressOptions {
  mode: Exclude<ProgressMode, "auto">;
  levels: ReadonlySet<ProgressLevel>;
  logIntervalMs: number;
  notebookIntervalMs: number;
  refreshMs: number;
  stream: TerminalStream;
  write: (text: string) => void;
}

/** What decides `auto`. */
export interface ProgressSurroundings {
  /** The notebook engine shows progress in cell output. */
  notebook?: boolean;
}

/**
 * Resolve defaults and decide `auto`: `notebook` on the notebook engine, `bars` when the
 * stream is a terminal, `log` otherwise. Bars need a terminal: asked for on anything else,
 * they become log lines. Throws ProgressOptionsError.
 */
export function compileProgressOptions(options: ProgressOptions = {}, surroundings: ProgressSurroundings = {}): CompiledProgressOptions {
  const parsed = ProgressOptionsSchema.safeParse(options, PARSE_ONCE);
  if (!parsed.success) {
    throw new ProgressOptionsError(parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`));
  }
  const o = parsed.data;
  const stream: TerminalStream = o.stream ?? process.stderr;
  let mode = o.mode;
  if (mode === "auto") mode = surroundings.notebook === true ? "notebook" : stream.isTTY === true ? "bars" : "log";
  if (mode === "bars" && stream.isTTY !== true) mode = "log";
  return {
    mode,
    levels: new Set(o.levels),
    logIntervalMs: o.logIntervalSeconds * 1000,
    notebookIntervalMs: o.notebookIntervalSeconds * 1000,
    refreshMs: o.refreshMs,
    stream,
    write: o.write ?? ((text: string) => void process.stderr.write(text)),
  };
}
