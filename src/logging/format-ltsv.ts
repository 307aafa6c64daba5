import { KeyValueFormat } from "./format-key-value.js";

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** An LTSV value: no tab, CR or LF (escaped as `\t`, `\r`, `\n`; a backslash as `\\`). */
export function ltsvValue(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : text;
}

/** An LTSV label: `[0-9A-Za-z_.-]+` (other characters become `_`). */
export function ltsvLabel(key: string): string {
  const clean = key.replace(/[^0-9A-Za-z_.-]/g, "_");
  return clean === "" ? "_" : clean;
}

/** Labeled Tab-Separated Values (ltsv.org): `label:value` fields separated by tabs. */
export function ltsvFormat(metadata: readonly string[] | null): KeyValueFormat {
  return new KeyValueFormat({ key: ltsvLabel, value: ltsvValue, assign: ":", separator: "\t" }, metadata);
}
