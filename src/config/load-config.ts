import { EnvSchema, type WfConfig } from "./env-schema.js";
import { ConfigError } from "./errors.js";
import { PARSE_ONCE } from "../util/parse-once.js";

/**
 * Read every `WF_*` variable from `env`, apply defaults and check them all at once. Empty
 * values count as unset. Throws a ConfigError that lists every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WfConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") raw[key] = value.trim();
  }
  const parsed = EnvSchema.safeParse(raw, PARSE_ONCE);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      return { variable, received: raw[variable], message: issue.message };
    }),
  );
}
