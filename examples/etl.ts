/**
 * A linear extract -> transform -> load over the CSV this example ships.
 *
 *   npx wf run examples/etl.ts
 *   npx wf run examples/etl.ts --param minAmount=50 --param currency=USD
 *
 * Tasks hand data to each other through the run's catalog (`this.catalog`), the same on every
 * engine: on Airflow, where each task runs in its own process, too. The run log lists every
 * put and get with its sha256 (`wf runs show <run id>`).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";

export const etlParams = z.object({
  input: z.string().optional().describe("CSV file to read; default: the orders.csv shipped with the example"),
  minAmount: z.number().min(0).default(0).describe("Drop orders below this amount"),
  currency: z.enum(["EUR", "USD"]).default("EUR").describe("Keep only orders in this currency"),
});
type EtlParams = z.infer<typeof etlParams>;

interface Order {
  orderId: string;
  customer: string;
  amount: number;
  currency: string;
}

const bundledCsv = path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "orders.csv");

export class Extract extends TaskBase<EtlParams> {
  static override description = "Read the orders CSV into the run's catalog";
  static override outputs = ["orders"];

  async run(): Promise<void> {
    const file = this.params.input ?? bundledCsv;
    const [header, ...lines] = (await readFile(file, "utf8")).trim().split("\n");
    if (header?.trim() !== "order_id,customer,amount,currency") {
      throw new Error(`${file}: unexpected header ${JSON.stringify(header)}`);
    }
    // The example's CSV has no quoted fields; a real pipeline would use a CSV library here.
    const orders: Order[] = lines.map((line) => {
      const [orderId = "", customer = "", amount = "", currency = ""] = line.split(",");
      return { orderId, customer, amount: Number(amount), currency };
    });
    await this.catalog.put("orders", { value: orders });
    this.logger.info(`extracted ${orders.length} orders`, { file: path.basename(file) });
  }
}

export class Transform extends TaskBase<EtlParams> {
  static override description = "Keep the orders of one currency above a minimum amount";
  static override inputs = ["orders"];
  static override outputs = ["kept"];

  async run(): Promise<void> {
    const orders = await this.catalog.get<Order[]>("orders");
    const rows = this.progress.child("orders", orders.length);
    const kept: Order[] = [];
    for (const order of orders) {
      if (order.currency === this.params.currency && order.amount >= this.params.minAmount) kept.push(order);
      rows.advance();
    }
    rows.done();
    await this.catalog.put("kept", { value: kept });
    this.logger.info(`kept ${kept.length} of ${orders.length} orders`, {
      currency: this.params.currency,
      min_amount: this.params.minAmount,
    });
  }
}

export class Load extends TaskBase<EtlParams> {
  static override description = "Write a per-customer report";
  static override inputs = ["kept"];
  static override outputs = ["report"];

  async run(): Promise<void> {
    const orders = await this.catalog.get<Order[]>("kept");
    const totals = new Map<string, number>();
    for (const o of orders) totals.set(o.customer, (totals.get(o.customer) ?? 0) + o.amount);
    const report = [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([customer, total]) => `${customer},${total.toFixed(2)}`);
    const out = path.join(this.context.runDir, "report.csv");
    await writeFile(out, ["customer,total", ...report].join("\n") + "\n");
    await this.catalog.put("report", { path: out });
    this.logger.info(`loaded ${report.length} customers into report.csv`);
  }
}

export const etl = new Workflow({
  category: "etl",
  detail: "orders",
  inputData: "csv",
  outputData: "report",
  version: "1.0.0",
  description: "Orders CSV to a per-customer report",
  tags: ["example"],
  params: etlParams,
});
etl.addNode(Extract);
etl.addNode(Transform, { upstreams: Extract });
etl.addNode(Load, { upstreams: Transform });

export default etl;
