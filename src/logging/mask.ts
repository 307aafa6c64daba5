/** What a masked value is replaced with. */
export const MASKED = "[masked]";

/** Key words whose values are masked by default (WF_LOG_MASK_KEYS). */
export const DEFAULT_MASK_KEYS = ["password", "passwd", "secret", "token", "key", "credential", "authorization"] as const;

// scheme://userinfo@host. RFC 3986 userinfo holds unreserved characters, percent-escapes,
// sub-delims and ":"; people also type what it does not allow and URL parsers still take: a
// space, an "@", quotes (`amqp://admin:p@ss:x@host`, `amqp://admin:Bus SECRET@host`, which
// WHATWG parsers read up to the last "@"). So userinfo runs from the scheme to the LAST "@" that
// a host follows, stopping only where no URL parser would go on: "/", "?", "#", a line break,
// another "scheme://", or where quoted text ends (`"`, `<`, `>`: JSON, HTML). In prose with a URL and an e-mail address on one line that masks too
// much rather than too little.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)((?:(?![a-z][a-z0-9+.-]*:\/\/)[^\r\n/?#"<>])*)@(?=[^\s/?#@"<>])/gi;

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

/** The password (or lone token) of every URL in `text`: secrets to mask wherever they appear again. */
export function urlSecrets(text: string): string[] {
  if (text.indexOf("://") < 0 || text.indexOf("@") < 0) return [];
  const found: string[] = [];
  for (const match of text.matchAll(URL_USERINFO)) {
    const userinfo = match[2]!;
    const colon = userinfo.indexOf(":");
    found.push(colon < 0 ? userinfo : userinfo.slice(colon + 1));
  }
  return found.filter((s) => s !== "");
}

/** Secret values shorter than this are not searched for in text: masking every "a" or "42" would mask everything. */
export const MIN_SECRET_LENGTH = 4;

// A secret that contains another is masked whole.
function longestFirst(a: string, b: string): number {
  return b.length - a.length || (a < b ? -1 : 1);
}

/**
 * The secret values in `value`, to mask wherever they appear again: strings and numbers under
 * keys the masking rule calls secret (at any depth), or all of them when `secret`, and the
 * password of every URL in any other string.
 */
export function secretsIn(value: unknown, masker: Masker, secret = false): string[] {
  const found: string[] = [];
  collectSecrets(value, secret, masker, found, 0);
  return found;
}

function collectSecrets(value: unknown, secret: boolean, masker: Masker, found: string[], depth: number): void {
  if (depth > 16) return;
  if (typeof value === "string") {
    if (secret) found.push(value);
    else found.push(...urlSecrets(value));
  } else if (typeof value === "number" || typeof value === "bigint") {
    if (secret) found.push(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecrets(item, secret, masker, found, depth + 1);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, member] of Object.entries(value)) collectSecrets(member, secret || masker.isSecretKey(key), masker, found, depth + 1);
  }
}

/**
 * The one masking rule, used at every exit (logs, events, results, summaries): values under
 * keys that contain one of `words` (any case: `apiKey`, `DB_PASSWORD`, `auth_token`),
 * credentials in URLs anywhere in strings, and, for a run, the run's secret values (params
 * under such keys, params marked secret in their schema, URL passwords in params) wherever
 * they appear in text.
 */
export class Masker {
  private readonly words: readonly string[];
  private readonly verdicts: Map<string, boolean>;
  private readonly secrets: string[];

  constructor(words: readonly string[], secrets: readonly string[] = [], verdicts?: Map<string, boolean>) {
    this.words = words.map((w) => w.toLowerCase()).filter((w) => w !== "");
    this.verdicts = verdicts ?? new Map();
    this.secrets = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(longestFirst);
  }

  /**
   * A new rule: this one with more secret values to mask in text. Always a new instance, even
   * with no values, so that what it {@link learn}s stays its own.
   */
  withSecrets(values: readonly string[]): Masker {
    return new Masker(this.words, [...this.secrets, ...values], this.verdicts);
  }

  /**
   * Mask `values` too, from now on, in everything this instance masks (a run's rule learns the
   * secrets its tasks read while the run goes on: an Airflow connection's password). Changes this
   * instance only: a run's rule is its own ({@link withSecrets}), so no other run or the
   * process-wide rule learns them.
   */
  learn(values: readonly string[]): void {
    let learned = false;
    for (const value of values) {
      if (value.length >= MIN_SECRET_LENGTH && !this.secrets.includes(value)) {
        this.secrets.push(value);
        learned = true;
      }
    }
    if (learned) this.secrets.sort(longestFirst);
  }

  /** `text` with URL credentials and the secret values masked. */
  text(text: string): string {
    let out = maskUrlCredentials(text);
    for (const secret of this.secrets) if (out.includes(secret)) out = out.replaceAll(secret, MASKED);
    return out;
  }

  /** Whether values under `key` are secret. */
  isSecretKey(key: string): boolean {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const lower = key.toLowerCase();
      // The setting that names the secret keys is not a secret (the --debug configuration dump showed it masked).
      verdict = key !== "WF_LOG_MASK_KEYS" && this.words.some((w) => lower.includes(w));
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
      // An absent value hides nothing, and "[masked]" would say a secret was given.
      const masked = this.isSecretKey(key) && value !== undefined ? MASKED : this.value(value, 0, undefined);
      if (masked !== value) {
        out ??= { ...fields };
        out[key] = masked;
      }
    }
    return (out ?? fields) as T;
  }

  /** A value with secrets masked, copied only where something changed. */
  value(value: unknown, depth: number, seen: Set<object> | undefined): unknown {
    if (typeof value === "string") return this.text(value);
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
      const masked = this.isSecretKey(k) && v !== undefined ? MASKED : this.value(v, depth + 1, visited);
      if (masked !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = masked;
    }
    return copy ?? value;
  }

  private error(error: Error): Error {
    const message = this.text(error.message);
    const stack = error.stack === undefined ? undefined : this.text(error.stack);
    if (message === error.message && stack === error.stack) return error;
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
    copy.message = message;
    if (stack !== undefined) copy.stack = stack;
    return copy;
  }
}
