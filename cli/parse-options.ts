import { coerceParamValue, type ParamsSchema } from "../src/workflow/params.js";
import { DateInputSchema } from "../src/workflow/schedule.js";
import { UsageError } from "./errors.js";

/** commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--param key=value` pairs as raw params, each value coerced to what its field expects. */
export function parseParamArgs(pairs: readonly string[], schema: ParamsSchema | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param ${JSON.stringify(pair)}: expected key=value, e.g. --param limit=10`);
    const key = pair.slice(0, eq);
    if (key in params) throw new UsageError(`--param ${key} is given twice; give each parameter once`);
    params[key] = coerceParamValue(schema, key, pair.slice(eq + 1));
  }
  return params;
}

/** A whole number ≥ 1, or a UsageError naming the option. */
export function parsePositiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected a whole number >= 1`);
  }
  return n;
}

/**
 * A date option: `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time with an offset
 * (`2026-11-28T06:00:00Z`); UsageError naming the option for anything else.
 */
export function parseDateOption(option: string, text: string): Date {
  // The same rule as every date option in code (`logicalDate`, `startDate`): DateInputSchema.
  const parsed = DateInputSchema.safeParse(text);
  if (!parsed.success) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected a date (2026-11-28, midnight UTC) or an ISO 8601 date-time with an offset (2026-11-28T06:00:00Z)`);
  }
  return parsed.data;
}
