import type { Masker } from "../logging/mask.js";
import { urlSecrets } from "../logging/mask.js";
import { isParamsSchema, isSecretField, paramFields } from "../workflow/params.js";

/**
 * The secret values of a run's params, to be masked wherever they appear (logs, events,
 * results, summaries): every value under a key the masking rule calls secret (`password`,
 * `apiKey`…, at any depth), every value of a field marked `.meta({ secret: true })` in the
 * params schema, and the password of every URL in any param.
 */
export function paramSecrets(params: Readonly<Record<string, unknown>>, schema: unknown, masker: Masker): string[] {
  const found: string[] = [];
  const marked = new Set<string>();
  if (isParamsSchema(schema)) {
    for (const [key, field] of Object.entries(paramFields(schema))) if (isSecretField(field)) marked.add(key);
  }
  for (const [key, value] of Object.entries(params)) collect(value, marked.has(key) || masker.isSecretKey(key), masker, found, 0);
  return found;
}

function collect(value: unknown, secret: boolean, masker: Masker, found: string[], depth: number): void {
  if (depth > 16) return;
  if (typeof value === "string") {
    if (secret) found.push(value);
    else found.push(...urlSecrets(value));
  } else if (typeof value === "number" || typeof value === "bigint") {
    if (secret) found.push(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, secret, masker, found, depth + 1);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, member] of Object.entries(value)) collect(member, secret || masker.isSecretKey(key), masker, found, depth + 1);
  }
}
