import { randomBytes } from "node:crypto";
import * as z from "zod";

/** A run id: safe as a folder name and as an Airflow run id. */
export const RunIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,249}$/,
    "a run id is 1-250 characters: ASCII letters, digits, '.', '_', ':', '+', '-', starting with a letter or digit",
  );

/** A new, time-sortable run id such as `20261122T035554Z-3fa9c1`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}
