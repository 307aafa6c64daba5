import { isoTime } from "../logging/log-record.js";
import { DatasetDeclarationSchema, MAX_LISTED_AUDIT_ERRORS, datasetOf, mergeDatasets, type AuditError, type Dataset, type DatasetDeclaration } from "../events/audit-fields.js";
import type { AuditDate } from "./task-audit.js";
import { AuditRunError, AuditUsageError } from "./errors.js";

/** An extract change made by the attempt, as its audit record lists it. */
export interface ExtractChangeNote {
  location: string;
  filename: string;
  from: string | null;
  to: string;
}

/** What a `task.audit` event carries (its `AuditFields`). */
export interface AuditData {
  records: Record<string, number>;
  dataRange: { low: string; high: string } | null;
  errorCount: number;
  errors: AuditError[];
  statuses: { status: string; at: string }[];
  sources: Dataset[];
  targets: Dataset[];
  extracts: ExtractChangeNote[];
}

/**
 * One attempt's audit, in memory: what `this.audit` counts until the attempt ends. The counting
 * calls are kept to a map update or two compares, so that a call per row costs nanoseconds.
 */
export class AuditTally {
  /** Whether anything was recorded. */
  used = false;
  private readonly counts = new Map<string, number>();
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;
  private errorCount = 0;
  private readonly errors: AuditError[] = [];
  private readonly statuses: { status: string; at: string }[] = [];
  private readonly sources: Dataset[] = [];
  private readonly targets: Dataset[] = [];
  readonly extractChanges: ExtractChangeNote[] = [];

  constructor(
    private readonly task: string,
    private readonly datasetTypes: readonly string[],
  ) {}

  records(kind: string, count: number): void {
    const before = this.counts.get(kind);
    if (!Number.isSafeInteger(count) || count < 0) throw new AuditUsageError(`task ${this.task}: this.audit.records(${JSON.stringify(kind)}, ${String(count)}): the count must be a whole number >= 0`);
    if (before === undefined) {
      if (typeof kind !== "string" || kind === "") throw new AuditUsageError(`task ${this.task}: this.audit.records(kind, count) needs a kind such as "read", "written" or "rejected", not ${JSON.stringify(kind)}`);
      this.used = true;
    }
    this.counts.set(kind, (before ?? 0) + count);
  }

  dataRange(low: AuditDate, high: AuditDate = low): void {
    const lo = this.time(low, "low");
    const hi = high === low ? lo : this.time(high, "high");
    if (lo > hi) throw new AuditUsageError(`task ${this.task}: this.audit.dataRange(low, high): low ${isoTime(lo)} is after high ${isoTime(hi)}`);
    if (lo < this.low) this.low = lo;
    if (hi > this.high) this.high = hi;
    this.used = true;
  }

  error(type: string, description: string, options: { failRun?: boolean } = {}): void {
    if (typeof type !== "string" || type === "") throw new AuditUsageError(`task ${this.task}: this.audit.error(type, description) needs a type such as "Data Error"`);
    const failRun = options.failRun === true;
    this.used = true;
    this.errorCount++;
    const text = String(description);
    if (this.errors.length < MAX_LISTED_AUDIT_ERRORS) this.errors.push({ type, description: text, at: isoTime(Date.now()), failRun });
    if (failRun) throw new AuditRunError(`task ${this.task}: run error ${type}: ${text}`);
  }

  status(status: string): void {
    if (typeof status !== "string" || status === "") throw new AuditUsageError(`task ${this.task}: this.audit.status(status) needs a status name`);
    this.used = true;
    this.statuses.push({ status, at: isoTime(Date.now()) });
  }

  source(source: DatasetDeclaration): void {
    this.sources.push(this.dataset(source, "source"));
    this.used = true;
  }

  target(target: DatasetDeclaration): void {
    this.targets.push(this.dataset(target, "target"));
    this.used = true;
  }

  /** The audit's fields, with the declared sources and targets first. */
  data(declared: { sources?: readonly Dataset[] | undefined; targets?: readonly Dataset[] | undefined } | undefined): AuditData {
    const records: Record<string, number> = {};
    for (const [kind, n] of [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) records[kind] = n;
    return {
      records,
      dataRange: this.low === Number.POSITIVE_INFINITY ? null : { low: isoTime(this.low), high: isoTime(this.high) },
      errorCount: this.errorCount,
      errors: [...this.errors],
      statuses: [...this.statuses],
      sources: mergeDatasets([declared?.sources ?? [], this.sources]),
      targets: mergeDatasets([declared?.targets ?? [], this.targets]),
      extracts: [...this.extractChanges],
    };
  }

  private time(value: AuditDate, which: string): number {
    const ms = typeof value === "number" ? value : value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new AuditUsageError(`task ${this.task}: this.audit.dataRange: ${which} ${JSON.stringify(value instanceof Date ? "Invalid Date" : value)} is not a date; give a Date, epoch milliseconds or an ISO 8601 text such as "2026-11-28"`);
    return ms;
  }

  private dataset(declaration: DatasetDeclaration, which: string): Dataset {
    const parsed = DatasetDeclarationSchema.safeParse(declaration);
    if (!parsed.success) {
      throw new AuditUsageError(`task ${this.task}: this.audit.${which}(…): ${parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}; give a name, or { name, type?, objects?, datasetTypes? }`);
    }
    return datasetOf(parsed.data, this.datasetTypes);
  }
}
