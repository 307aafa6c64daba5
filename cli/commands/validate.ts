import { colors as pc } from "../../src/util/colors.js";
import { validateFiles } from "../../build-utils/validate/index.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";
import { maskUrlCredentials } from "../../src/logging/mask.js";

const indent = (text: string) => text.replace(/^/gm, "    ");

/**
 * `wf validate <files-or-packages...>`: every problem of every workflow, plus source warnings
 * (unused task classes, workflows the loader cannot reach); exit 1 if any problem, 2 if an
 * input cannot be loaded. Warnings alone do not fail.
 */
export async function validateCommand(io: CliIo, files: string[], options: { json?: boolean; debug?: boolean }): Promise<number> {
  const reports = await validateFiles(files, io.cwd, { stacks: options.debug === true });
  const loadFailed = reports.some((r) => r.loadError !== undefined);
  const invalid = reports.some((r) => r.workflows.some((w) => w.issues.length > 0));
  if (options.json) {
    io.out(`${JSON.stringify(reports, null, 2)}\n`);
  } else {
    const ok = (s: string) => (io.color ? pc.green(s) : s);
    const bad = (s: string) => (io.color ? pc.red(s) : s);
    const warn = (s: string) => (io.color ? pc.yellow(s) : s);
    for (const report of reports) {
      for (const w of report.warnings) io.err(`${warn("warning")} ${w.file}:${w.line}: ${w.message} [${w.code}]\n`);
      if (report.loadError !== undefined) {
        io.err(`${bad("✖")} ${report.file}: ${report.loadError}\n`);
        if (report.loadErrorStack !== undefined) io.err(`${indent(maskUrlCredentials(report.loadErrorStack))}\n`);
        continue;
      }
      for (const wf of report.workflows) {
        if (wf.issues.length === 0) {
          io.out(`${ok("✔")} ${wf.dagId} (${report.file})\n`);
          continue;
        }
        const n = wf.issues.length;
        io.out(`${bad("✖")} ${wf.dagId} (${report.file}): ${n} problem${n === 1 ? "" : "s"}\n`);
        for (const issue of wf.issues) io.out(`    [${issue.code}] ${issue.message}\n`);
      }
    }
  }
  return loadFailed ? EXIT.USAGE : invalid ? EXIT.FAILURE : EXIT.OK;
}
