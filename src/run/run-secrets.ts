import { secretsIn, type Masker } from "../logging/mask.js";
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
  for (const [key, value] of Object.entries(params)) found.push(...secretsIn(value, masker, marked.has(key) || masker.isSecretKey(key)));
  return found;
}
