import { LOG_LEVELS, logLevelId, type LogLevel } from "./log-level.js";

/** One `name=level` rule of WF_LOG_LEVEL_MODULE. */
export interface ModuleLevel {
  /** A logger name or a dotted prefix of logger names (`wfkit.engine`). */
  logger: string;
  level: LogLevel;
}

const NAME = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/;

/**
 * Parse `wfkit.engine.local=debug;wfkit.events=error;my.task=warn` (`;` or `,` between rules,
 * spaces ignored). Returns the rules, or the problems, one per bad rule.
 */
export function parseModuleLevels(text: string): { rules: ModuleLevel[]; problems: string[] } {
  const rules: ModuleLevel[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/[;,]/)) {
    const rule = raw.trim();
    if (rule === "") continue;
    const eq = rule.indexOf("=");
    const logger = eq < 0 ? rule : rule.slice(0, eq).trim();
    const level = eq < 0 ? "" : rule.slice(eq + 1).trim().toLowerCase();
    if (eq < 0 || !NAME.test(logger)) {
      problems.push(`"${rule}" is not logger=level (e.g. wfkit.engine.local=debug)`);
    } else if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      problems.push(`"${rule}": level must be one of ${LOG_LEVELS.join(", ")}`);
    } else {
      rules.push({ logger, level: level as LogLevel });
    }
  }
  return { rules, problems };
}

/**
 * The level id that applies to logger `name`: the rule for the longest matching name or dotted
 * prefix (`wfkit` matches `wfkit.engine.local`, not `wfkitx`), else `fallback`.
 */
export function levelIdFor(name: string, rules: readonly ModuleLevel[], fallback: number): number {
  let best = -1;
  let id = fallback;
  for (const rule of rules) {
    const n = rule.logger.length;
    if (n <= best) continue;
    if (name === rule.logger || (name.startsWith(rule.logger) && name.charCodeAt(n) === 46 /* . */)) {
      best = n;
      id = logLevelId(rule.level);
    }
  }
  return id;
}
