import { RunLogOptionsError } from "../run-log/errors.js";

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * A point in time from `7d`, `12h`, `30m`, `2w` (that long before `now`), a date
 * (`2026-12-01`, UTC midnight) or an ISO time; a Date passes through. Throws
 * RunLogOptionsError naming `what` (the option) and the forms it takes.
 */
export function parseSince(value: string | Date, what: string, now = Date.now()): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RunLogOptionsError(`${what}: an invalid Date`);
    return value;
  }
  const text = value.trim();
  const relative = /^(\d+)\s*([mhdw])$/.exec(text);
  if (relative !== null) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new RunLogOptionsError(`${what} ${JSON.stringify(value)}: expected an age such as 7d, 12h, 30m or 2w, or a date such as 2026-12-01`);
}
