import { createHash } from "node:crypto";
import { stringify } from "safe-stable-stringify";

/**
 * SHA-256 (hex) of a value's canonical JSON: object keys sorted, so the same structure always
 * hashes the same whatever order its keys were built in.
 */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(stringify(value) ?? "null").digest("hex");
}
