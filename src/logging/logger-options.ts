import * as z from "zod";
import { LogLevelSchema, logLevelId } from "./log-level.js";
import { parseModuleLevels, type ModuleLevel } from "./module-levels.js";
import { DEFAULT_MASK_KEYS } from "./mask.js";
import { FIELD_NAME } from "./log-fields.js";
import { DEFAULT_CONSOLE_TEMPLATE, parseConsoleTemplate, type TemplatePart } from "./console-template.js";
import { LoggerOptionsError } from "./errors.js";
import { SYSLOG_FACILITIES, type SyslogFacility } from "./syslog-message.js";
import { PARSE_ONCE } from "../util/parse-once.js";
import { pure } from "../util/pure.js";

/** The line formats. */
export const LogFormatSchema = /* @__PURE__ */ pure(() => z.enum(["pretty", "json", "logfmt", "ltsv"]));
/** A line format. */
export type LogFormat = z.infer<typeof LogFormatSchema>;

/** Where syslog copies of the log lines go (RFC 5424). */
export const SyslogOptionsSchema = /* @__PURE__ */ pure(() => z.object({
  host: z.string().min(1).default("localhost").describe("Syslog server host name or address"),
  port: z.number().int().min(1).max(65535).default(514),
  protocol: z.enum(["udp", "tcp"]).default("udp"),
  facility: z.enum(Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]]).default("user"),
  appName: z.string().min(1).default("wfkit").describe("RFC 5424 APP-NAME"),
  sdId: z
    .string()
    .regex(/^[!#-<>-\\^-~]{1,32}$/, "an SD-ID: 1-32 printable ASCII characters, no space, =, ] or \"")
    .default("wfkit@32473")
    .describe("SD-ID of the structured data element (32473 is the example enterprise number of RFC 5612)"),
}));
/** Syslog options as a user gives them. */
export type SyslogOptions = z.input<typeof SyslogOptionsSchema>;

const FieldListSchema = /* @__PURE__ */ pure(() => z.array(z.string().refine((s) => s === "*" || FIELD_NAME.test(s), "a field name (letters, digits, _ . -) or *")));

/**
 * Options of {@link createLogger}, with their defaults. `createLoggerFromConfig` fills them from
 * the WF_LOG_* and WF_SYSLOG_* variables.
 */
export const LoggerOptionsSchema = /* @__PURE__ */ pure(() => z.object({
  /** Lowest level written. Default `info`. */
  level: LogLevelSchema.default("info"),
  /** Per-logger levels, e.g. `"wfkit.engine=debug;my.task=warn"` or a list of rules. Default none. */
  moduleLevels: z
    .union([z.string(), z.array(z.object({ logger: z.string(), level: LogLevelSchema }))])
    .default([]),
  /** Line format. Default `json`. */
  format: LogFormatSchema.default("json"),
  /** Fields and their order (WF_LOG_METADATA). Default: each format's own layout. */
  metadata: FieldListSchema.optional(),
  /** Template of the pretty format (WF_LOG_CONSOLE_FORMAT). Default `{time} {level:5} {logger} {message}{fields}`. */
  consoleFormat: z.string().optional(),
  /** Values under keys containing one of these words are masked. Default password, passwd, secret, token, key, credential, authorization. */
  maskKeys: z.array(z.string()).default([...DEFAULT_MASK_KEYS]),
  /** ANSI colours in the pretty format. Default false. */
  color: z.boolean().default(false),
  /** A person reads the console: a failed task gets the short report, the full stack goes to the run log only. Default false. */
  interactive: z.boolean().default(false),
  /** How the short report looks: `pretty` (boxed) or `plain`. Default `plain`. */
  exceptionFormatter: z.enum(["pretty", "plain"]).default("plain"),
  /** Where lines go: `stderr` (default), `stdout`, `{ file }` or a function called with each line. */
  destination: z
    .union([z.enum(["stderr", "stdout"]), z.object({ file: z.string().min(1) }), z.custom<(line: string) => void>((v) => typeof v === "function")])
    .default("stderr"),
  /** Write every line at once instead of once per event-loop turn. Default: only on a terminal. */
  sync: z.boolean().optional(),
  /** Also send every line to syslog. Default off. */
  syslog: SyslogOptionsSchema.optional(),
}));
/** Options of {@link createLogger}, as a user gives them. */
export type LoggerOptions = z.input<typeof LoggerOptionsSchema>;

/** Logger options with every default applied and every text parsed. */
export interface CompiledLoggerOptions {
  levelId: number;
  moduleLevels: readonly ModuleLevel[];
  format: LogFormat;
  metadata: readonly string[] | null;
  /** The pretty format's template, parsed; null when the pretty format follows `metadata`. */
  template: readonly TemplatePart[] | null;
  maskKeys: readonly string[];
  color: boolean;
  interactive: boolean;
  exceptionFormatter: "pretty" | "plain";
  destination: "stderr" | "stdout" | { file: string } | ((line: string) => void);
  sync: boolean | undefined;
  syslog: z.output<typeof SyslogOptionsSchema> | undefined;
  /** Some layout shows file, line or function: capture the caller's position on every line. */
  needsPosition: boolean;
}

/** Resolve logger options: defaults applied, module levels and the template parsed, all problems at once. */
export function compileLoggerOptions(options: LoggerOptions = {}): CompiledLoggerOptions {
  const parsed = LoggerOptionsSchema.safeParse(options, PARSE_ONCE);
  if (!parsed.success) {
    throw new LoggerOptionsError(parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`));
  }
  const o = parsed.data;
  const problems: string[] = [];
  let moduleLevels: ModuleLevel[];
  if (typeof o.moduleLevels === "string") {
    const result = parseModuleLevels(o.moduleLevels);
    moduleLevels = result.rules;
    problems.push(...result.problems.map((p) => `moduleLevels: ${p}`));
  } else {
    moduleLevels = o.moduleLevels;
  }
  const metadata = o.metadata === undefined || o.metadata.length === 0 ? null : o.metadata;
  const template = parseConsoleTemplate(o.consoleFormat ?? DEFAULT_CONSOLE_TEMPLATE);
  problems.push(...template.problems.map((p) => `consoleFormat: ${p}`));
  if (problems.length > 0) throw new LoggerOptionsError(problems);
  const positional = (names: Iterable<string>) => [...names].some((n) => n === "file" || n === "line" || n === "function");
  // The pretty format follows the template when one is given, else WF_LOG_METADATA when set.
  const prettyByTemplate = o.consoleFormat !== undefined || metadata === null;
  const needsPosition =
    o.format === "pretty" && prettyByTemplate
      ? positional(template.parts.flatMap((p) => ("field" in p ? [p.field] : [])))
      : metadata !== null && positional(metadata);
  return {
    levelId: logLevelId(o.level),
    moduleLevels,
    format: o.format,
    metadata,
    template: prettyByTemplate ? template.parts : null,
    maskKeys: o.maskKeys,
    color: o.color,
    interactive: o.interactive,
    exceptionFormatter: o.exceptionFormatter,
    destination: o.destination,
    sync: o.sync,
    syslog: o.syslog,
    needsPosition,
  };
}
