/** What a masked value is replaced with. */
export const MASKED = "[masked]";

/** Key words whose values are masked by default (WF_LOG_MASK_KEYS). */
export const DEFAULT_MASK_KEYS = ["password", "passwd", "secret", "token", "key", "credential", "authorization"] as const;

// scheme://userinfo@ — userinfo up to the first @ before any / ? #.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*)@/gi;

/**
 * Mask the credentials in every URL of `text`: `amqp://user:pass@host` → `amqp://user:[masked]@host`,
 * and a lone `https://token@host` → `https://[masked]@host` (a user part alone is usually a token).
 */
export function maskUrlCredentials(text: string): string {
  if (text.indexOf("://") < 0 || text.indexOf("@") < 0) return text;
  return text.replace(URL_USERINFO, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return colon < 0 ? `${scheme}${MASKED}@` : `${scheme}${userinfo.slice(0, colon)}:${MASKED}@`;
  });
}

/**
 * Masks secrets in log fields: values under keys that contain one of `words` (any case:
 * `apiKey`, `DB_PASSWORD`, `auth_token`), and credentials in URLs anywhere in strings.
 */
export class Masker {
  private readonly words: readonly string[];
  private readonly verdicts = new Map<string, boolean>();

  constructor(words: readonly string[]) {
    this.words = words.map((w) => w.toLowerCase()).filter((w) => w !== "");
  }

  /** Whether values under `key` are secret. */
  isSecretKey(key: string): boolean {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const lower = key.toLowerCase();
      verdict = this.words.some((w) => lower.includes(w));
      // Keys repeat from call to call; the cache is bounded so that ever-new keys cannot grow it.
      if (this.verdicts.size < 10_000) this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** `fields` with secrets masked; the same object when there was nothing to mask. */
  fields<T extends Record<string, unknown>>(fields: T): T {
    let out: Record<string, unknown> | undefined;
    for (const key in fields) {
      const value = fields[key];
      const masked = this.isSecretKey(key) ? MASKED : this.value(value, 0, undefined);
      if (masked !== value) {
        out ??= { ...fields };
        out[key] = masked;
      }
    }
    return (out ?? fields) as T;
  }

  /** A value with secrets masked, copied only where something changed. */
  value(value: unknown, depth: number, seen: Set<object> | undefined): unknown {
    if (typeof value === "string") return maskUrlCredentials(value);
    if (typeof value !== "object" || value === null || depth > 8) return value;
    if (value instanceof Error) return this.error(value);
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    const visited = seen ?? new Set<object>();
    if (visited.has(value)) return value;
    visited.add(value);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const masked = this.value(item, depth + 1, visited);
        if (masked !== item) (copy ??= [...value])[i] = masked;
      });
      return copy ?? value;
    }
    if (value instanceof Map || value instanceof Set) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const masked = this.isSecretKey(k) ? MASKED : this.value(v, depth + 1, visited);
      if (masked !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = masked;
    }
    return copy ?? value;
  }

  private error(error: Error): Error {
    const message = maskUrlCredentials(error.message);
    const stack = error.stack === undefined ? undefined : maskUrlCredentials(error.stack);
    if (message === error.message && stack === error.stack) return error;
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
    copy.message = message;
    if (stack !== undefined) copy.stack = stack;
    return copy;
  }
}
