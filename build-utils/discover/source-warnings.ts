import path from "node:path";
import type { SourceWarning } from "./discovery-types.js";
import type { SourceAnalysis, SourceFinding, SourceScope } from "./source-analysis.js";
import { compareText } from "./walk-files.js";

/** Parse sources for analysis; ts-morph is loaded here, on first use, and never by the plain loader. */
export async function openAnalysis(scopes: readonly SourceScope[]): Promise<SourceAnalysis> {
  const { openSourceAnalysis } = await import("./source-analysis.js");
  return openSourceAnalysis(scopes);
}

/** Findings as warnings with paths relative to `cwd`, sorted by file, line and code, each once. */
export function toSourceWarnings(findings: readonly SourceFinding[], cwd: string): SourceWarning[] {
  const seen = new Set<string>();
  const warnings: SourceWarning[] = [];
  for (const f of findings) {
    const warning: SourceWarning = { code: f.code, file: path.relative(cwd, f.file), line: f.line, message: f.message };
    const key = `${warning.file}\0${warning.line}\0${warning.code}\0${warning.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    warnings.push(warning);
  }
  return warnings.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || compareText(a.code, b.code) || compareText(a.message, b.message));
}
