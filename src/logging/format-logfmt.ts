import { KeyValueFormat } from "./format-key-value.js";

const BARE = /^[^\s"=\\\u0000-\u001f\u007f]+$/;
const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A logfmt value: bare when it can be, else double-quoted with Go-style escapes. */
export function logfmtValue(text: string): string {
  if (text !== "" && BARE.test(text)) return text;
  return `"${text.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** A logfmt key: anything but spaces, `=` and quotes (replaced by `_`). */
export function logfmtKey(key: string): string {
  const clean = key.replace(/[\s="\\\u0000-\u001f\u007f]/g, "_");
  return clean === "" ? "_" : clean;
}

/** `key=value` pairs separated by spaces (logfmt, as Heroku and Go's go-logfmt write it). */
export function logfmtFormat(metadata: readonly string[] | null): KeyValueFormat {
  return new KeyValueFormat({ key: logfmtKey, value: logfmtValue, assign: "=", separator: " " }, metadata);
}
