import path from "node:path";
import { loadConfig } from "../../src/config/load-config.js";
import { openAudit, type Audit } from "../../src/run-log-query/open-audit.js";
import { ExtractSchema, ExtractStatusSchema, type ExtractStatus } from "../../src/audit/extract.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { UsageError } from "../errors.js";
import { parsePositiveInt } from "../parse-options.js";
import { didYouMeanSuffix } from "../../src/util/did-you-mean.js";
import { renderAudit, renderExtracts } from "../render-audit.js";

/** Options every audit command has. */
export interface AuditOptions {
  /** `file` or a PostgreSQL URL (default WF_RUN_LOG). */
  store?: string;
  json?: boolean;
  debug?: boolean;
}

async function withAudit<T>(io: CliIo, options: AuditOptions, body: (audit: Audit) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const audit = await openAudit({
    env: io.env,
    home: path.resolve(io.cwd, config.WF_HOME),
    store: options.store,
    onSkipped: (file, line, why) => io.err(`wf: skipped ${file}${line > 0 ? `:${line}` : ""} of the run log: ${why}\n`),
  });
  try {
    return await body(audit);
  } finally {
    await audit.close();
  }
}

/** `wf audit WORKFLOW`: what the workflow's runs processed, the data days covered and the gaps, sources, targets, the hold. */
export async function auditCommand(io: CliIo, workflow: string, options: AuditOptions & { since?: string; limit?: string; kind?: string }): Promise<number> {
  const limit = options.limit === undefined ? 20 : parsePositiveInt("--limit", options.limit);
  return withAudit(io, options, async (audit) => {
    const report = await audit.report(workflow, { since: options.since, detailed: limit });
    if (options.kind !== undefined && !report.runs.some((r) => options.kind! in r.records)) {
      const known = [...new Set(report.runs.flatMap((r) => Object.keys(r.records)))].sort();
      throw new UsageError(`--kind ${JSON.stringify(options.kind)}: no run of ${workflow} counted records of that kind${didYouMeanSuffix(options.kind, known)}${known.length === 0 ? "" : `; its kinds are ${known.join(", ")}`}`);
    }
    // Built by our own code to the schema (the tests validate it): not parsed again here, which cost
    // a tenth of a second over 10,000 runs.
    if (options.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(renderAudit(report, { color: io.color, limit, kind: options.kind, store: audit.description }));
    return EXIT.OK;
  });
}

/** `wf audit release WORKFLOW`: let a workflow on hold run again; records who and when. */
export async function auditReleaseCommand(io: CliIo, workflow: string, options: AuditOptions & { by?: string; reason?: string }): Promise<number> {
  return withAudit(io, options, async (audit) => {
    const record = await audit.release(workflow, { by: options.by, reason: options.reason });
    if (options.json) io.out(`${JSON.stringify(record, null, 2)}\n`);
    else io.out(`released ${workflow}: new runs may start again (recorded ${record.at} by ${record.by}${record.reason === "" ? "" : `: ${record.reason}`})\n`);
    return EXIT.OK;
  });
}

/** `wf extracts`: registered extracts, `ready` ones unless `--status` says otherwise. */
export async function extractsCommand(io: CliIo, options: AuditOptions & { status?: string; location?: string; filename?: string; partial?: boolean; producer?: string; limit?: string }): Promise<number> {
  const status = options.status === undefined ? "ready" : options.status === "any" ? "any" : extractStatus(options.status);
  const limit = options.limit === undefined ? undefined : parsePositiveInt("--limit", options.limit);
  return withAudit(io, options, async (audit) => {
    const found = await audit.extracts({ status, location: options.location, filename: options.filename, partial: options.partial, producer: options.producer, limit });
    if (options.json) io.out(`${JSON.stringify(found.map((e) => ExtractSchema.parse(e)), null, 2)}\n`);
    else io.out(renderExtracts(found, io.color));
    return EXIT.OK;
  });
}

/** `wf extracts set-status STATUS LOCATION FILENAME`: move one extract from the command line (`failed` → `ready` to load it again). */
export async function extractsSetStatusCommand(io: CliIo, status: string, location: string, filename: string, options: AuditOptions): Promise<number> {
  const to = extractStatus(status);
  return withAudit(io, options, async (audit) => {
    const extract = await audit.setExtractStatus({ location, filename }, to);
    if (options.json) io.out(`${JSON.stringify(extract, null, 2)}\n`);
    else io.out(`${filename} in ${location} is now ${extract.status}\n`);
    return EXIT.OK;
  });
}

function extractStatus(value: string): ExtractStatus {
  const parsed = ExtractStatusSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(`--status ${JSON.stringify(value)}: expected one of ${ExtractStatusSchema.options.join(", ")}${didYouMeanSuffix(value, ExtractStatusSchema.options)}`);
}
