import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";

/** SHA-256 of a text, as 64 hex characters. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? "null";
}

/**
 * SHA-256 (hex) of a value's canonical JSON: object keys sorted, so the same structure always
 * hashes the same whatever order its keys were built in.
 */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
