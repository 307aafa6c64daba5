/**
 * A daily loader over CSV extracts, with a process audit: what each run loaded, which days of
 * data are in, what was rejected, where it came from and went, and a hold after failures.
 *
 *   npx wf run examples/daily-load.ts          # loads the oldest ready extract: one day
 *   npx wf run examples/daily-load.ts          # …the next day; run it until nothing is ready
 *   npx wf audit csv_to_warehouse_load_daily  # counts, data days and the gap, errors, lineage
 *   npx wf extracts --status any               # each file: ready, loading, loaded or failed
 *
 * The example ships one file per day (`data/daily/sales_<day>.csv`) with 2026-11-27 missing, so
 * the audit names that gap, and a row on 2026-11-26 whose amount is not a number, a data error
 * that rejects the row without failing the run. Extracts are claimed atomically in the run
 * log's store (a file store under WF_HOME, or PostgreSQL): two runs at once never load the
 * same file.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TaskBase, Workflow, type DatasetDeclaration, type Extract } from "wfkit";

export const dailyLoadParams = z.object({
  extracts: z.string().optional().describe("Folder of sales_<day>.csv extracts; default: the ones shipped with the example"),
  perRun: z.number().int().min(1).default(1).describe("How many ready extracts one run loads, oldest first"),
});
type DailyLoadParams = z.infer<typeof dailyLoadParams>;

const bundled = path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "daily");
const EXTRACT_NAME = /^sales_\d{4}-\d{2}-\d{2}\.csv$/;

/** The extracts a run claimed, as the catalog hands them on. */
type Claimed = { location: string; filename: string }[];

export class Claim extends TaskBase<DailyLoadParams> {
  static override description = "Register new extracts in the landing folder and claim the oldest ready ones";
  static override outputs = ["claimed"];
  static override sources: readonly DatasetDeclaration[] = [{ name: "landing", type: "csv" }];

  async run(): Promise<void> {
    const folder = path.resolve(this.params.extracts ?? bundled);
    const added = await this.audit.extracts.registerLocation(folder, { match: EXTRACT_NAME });
    if (added.length > 0) this.logger.info(`registered ${added.length} new extract${added.length === 1 ? "" : "s"}`, { folder });
    // Filenames carry the day, so name order is day order: the oldest first.
    const ready = await this.audit.extracts.find({ location: folder });
    // Claimed one at a time, oldest first: an extract another run claimed a moment ago is
    // passed over for the next one, until this run has its share.
    const claimed: Extract[] = [];
    for (const extract of ready) {
      if (claimed.length >= this.params.perRun) break;
      claimed.push(...(await this.audit.extracts.claim([extract])));
    }
    if (claimed.length === 0) this.skip(ready.length === 0 ? "no extract is ready" : "other runs claimed every ready extract first");
    await this.catalog.put("claimed", { value: claimed.map(({ location, filename }) => ({ location, filename })) });
    this.logger.info(`claimed ${claimed.map((e) => e.filename).join(", ")}`);
  }
}

export class Load extends TaskBase<DailyLoadParams> {
  static override description = "Load the claimed extracts' rows; reject rows that do not parse";
  static override inputs = ["claimed"];
  static override outputs = ["loaded"];
  static override targets: readonly DatasetDeclaration[] = [
    {
      name: "warehouse",
      type: "catalog",
      objects: [{ name: "sales.orders", attributes: [{ name: "order_id", flags: ["key"] }, { name: "ordered_at", flags: ["partition"] }, "customer", "amount"] }],
    },
  ];

  private claimed: Claimed = [];

  async run(): Promise<void> {
    this.claimed = await this.catalog.get<Claimed>("claimed");
    const rows: { orderId: string; orderedAt: string; customer: string; amount: number }[] = [];
    for (const extract of this.claimed) {
      this.audit.source({ name: "landing", type: "csv", objects: [extract.filename] });
      const [header, ...lines] = (await readFile(path.join(extract.location, extract.filename), "utf8")).trim().split("\n");
      if (header?.trim() !== "order_id,ordered_at,customer,amount") throw new Error(`${extract.filename}: unexpected header ${JSON.stringify(header)}`);
      lines.forEach((line, i) => {
        this.audit.records("read", 1);
        // The example's CSV has no quoted fields; a real pipeline would use a CSV library here.
        const [orderId = "", orderedAt = "", customer = "", amount = ""] = line.split(",");
        const value = Number(amount);
        if (amount === "" || !Number.isFinite(value) || Number.isNaN(Date.parse(orderedAt))) {
          this.audit.records("rejected", 1);
          this.audit.error("Data Error", `${extract.filename} line ${i + 2}: ${Number.isFinite(value) ? `ordered_at ${JSON.stringify(orderedAt)} is not a time` : `amount ${JSON.stringify(amount)} is not a number`}`);
          return;
        }
        this.audit.dataRange(orderedAt);
        rows.push({ orderId, orderedAt, customer, amount: value });
      });
    }
    await this.catalog.put("loaded", { value: rows });
    this.audit.records("written", rows.length);
    for (const extract of this.claimed) await this.audit.extracts.setStatus(extract, "loaded");
    this.logger.info(`loaded ${rows.length} rows`, { extracts: this.claimed.length });
  }

  /** A failed load gives its extracts back as `failed`: `wf extracts set-status ready …` queues one again. */
  override async rollback(): Promise<void> {
    for (const extract of this.claimed) await this.audit.extracts.setStatus(extract, "failed").catch(() => {});
  }
}

export class Reconcile extends TaskBase<DailyLoadParams> {
  static override description = "Check the loaded rows add up, and say so in a custom status";
  static override inputs = ["loaded"];

  async run(): Promise<void> {
    const rows = await this.catalog.get<{ amount: number }[]>("loaded");
    const total = rows.reduce((sum, r) => sum + r.amount, 0);
    this.audit.status(rows.length === 0 ? "empty" : "reconciled");
    this.logger.info(`reconciled ${rows.length} rows`, { total: Math.round(total * 100) / 100 });
  }
}

export const workflow = new Workflow({
  category: "load",
  detail: "daily",
  inputData: "csv",
  outputData: "warehouse",
  version: "1.0.0",
  description: "Load each day's sales extract into the warehouse, with a process audit",
  params: dailyLoadParams,
  datasetTypes: ["sales"],
  sources: [{ name: "landing", type: "csv" }],
  targets: [{ name: "warehouse", type: "catalog" }],
  maxConsecutiveFailures: 3,
});
workflow.addNode(Claim).addNode(Load, { upstreams: Claim }).addNode(Reconcile, { upstreams: Load });
