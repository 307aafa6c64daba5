import { coerceParamValue, type ParamsSchema } from "../src/workflow/params.js";
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
