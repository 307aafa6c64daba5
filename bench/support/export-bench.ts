// What the export benchmarks share besides the workload: their command-line options, the check
// that dist/ is built, the generated package in a temp folder, and the timed child processes.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countArg } from "./args.js";
import { cliEnv, createExportPackage, type ExportPackage } from "./export-workload.js";

/** One export benchmark's settings, package and helpers. */
export interface ExportBench extends ExportPackage {
  /** `--json`: machine-readable results on stdout. */
  json: boolean;
  /** `--runs N`: timed rounds. */
  runs: number;
  /** `--keep`: keep the temp folder and say where. */
  keep: boolean;
  /** The 1-minute load average when the benchmark started. */
  loadStart: number;
  /** Problems seen while measuring; printed with the results. */
  warnings: string[];
  /** A new, not yet existing output folder in the temp folder. */
  newOut(label: string): string;
  /** `wf export --engine <engine> --out <new folder> workflows.mjs`, timed from spawn to exit. */
  cliExport(engine: "airflow" | "notebook"): { ms: number; out: string };
  /** Node's start and the module (the 1,000 workflows built), in a process of its own, timed. */
  moduleImportProcess(): number;
}

/**
 * Parse the options, check that dist/ is built (else print why, as text or JSON, and exit 0: a
 * benchmark never fails) and create the workflow package in a new temp folder.
 */
export function startExportBench(name: string, tempPrefix: string): ExportBench {
  const argv = process.argv.slice(2);
  const json = argv.includes("--json");
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const bin = path.join(repo, "dist", "cli", "bin.js");
  const zodDir = path.join(repo, "node_modules", "zod");
  if (!existsSync(bin) || !existsSync(zodDir)) {
    const reason = `${existsSync(bin) ? zodDir : bin} is missing: run npm install and npm run build first`;
    console.log(json ? JSON.stringify({ benchmark: name, skipped: reason }, null, 2) : `${name}: skipped: ${reason}`);
    process.exit(0);
  }
  const loadStart = loadavg()[0]!;
  const created = createExportPackage(repo, zodDir, tempPrefix);
  // The environment of the CLI: no WF_* variables, no NODE_OPTIONS.
  const env = cliEnv();
  const warnings: string[] = [];
  let outputs = 0;
  const newOut = (label: string) => path.join(created.dir, `out-${label}-${outputs++}`);
  const spawn = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: created.pkg, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    return { ms: performance.now() - t0, r };
  };
  return {
    ...created,
    json,
    runs: countArg(argv, "--runs", 5, 3),
    keep: argv.includes("--keep"),
    loadStart,
    warnings,
    newOut,
    cliExport(engine) {
      const out = newOut(`cli-${engine}`);
      const { ms, r } = spawn([bin, "export", "--engine", engine, "--out", out, created.module]);
      if (r.status !== 0) warnings.push(`wf export --engine ${engine} exited ${r.status ?? r.signal}: ${r.stderr.trim().slice(-800)}`);
      else if (/warning/i.test(r.stderr)) warnings.push(`wf export --engine ${engine} warned: ${r.stderr.trim().split("\n")[0]!.slice(0, 300)}`);
      return { ms, out };
    },
    moduleImportProcess() {
      const { ms, r } = spawn(["-e", `await import(${JSON.stringify(pathToFileURL(created.moduleFile).href)})`]);
      if (r.status !== 0) warnings.push(`importing ${created.module} exited ${r.status ?? r.signal}: ${r.stderr.trim().slice(-800)}`);
      return ms;
    },
  };
}
