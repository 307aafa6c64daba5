import { execFile } from "node:child_process";
import { PackedFilesError } from "./errors.js";

/** The arguments of the one npm command that says what the package ships, without running its scripts or writing a tarball. */
export const NPM_PACK_DRY_RUN = ["pack", "--dry-run", "--json", "--ignore-scripts"] as const;

/**
 * The files `npm pack` puts in the tarball of the package at `root`, as POSIX paths relative to
 * it: what `wf install` (npm install of that tarball) puts on a worker.
 *
 * npm itself decides, so the answer is npm's rule and no copy of it: `files` in package.json
 * (with its `!` entries), `.npmignore` (or `.gitignore` where there is none, in each folder),
 * the files npm always packs (package.json, README, LICENSE, `main`, `bin`) and those it never
 * packs (`.git`, `node_modules`, `*.orig`, …). npm's own library for this, npm-packlist, was
 * not taken instead: its current major needs Node 22.22 or newer (wfkit runs on Node 20), it
 * lists the files of an @npmcli/arborist tree (a second, heavy dependency), and it could differ
 * from the npm that `wf install` runs. `--ignore-scripts`: no `prepack`/`prepare` runs, so
 * nothing of the package executes. It costs one npm start (about 0.4 s for a small package;
 * npm also gzips the files in memory for the tarball's checksum, so about 2 s for a package of
 * a thousand files), which discovery overlaps with loading the workflows.
 *
 * Rejects with a PackedFilesError carrying npm's output when npm cannot be started or fails.
 */
export function listPackedFiles(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Set<string>> {
  const command = `npm ${NPM_PACK_DRY_RUN.join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile("npm", [...NPM_PACK_DRY_RUN], { cwd: root, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        const why = missing
          ? "npm is not on PATH"
          : stderr
              .split("\n")
              .filter((l) => l.trim() !== "" && !l.includes("Unknown user config"))
              .slice(-15)
              .join("\n") || error.message;
        reject(new PackedFilesError(`${command} failed in ${root}, so wf cannot tell which files the package ships: ${why}\nfix what npm says (npm pack must work in the package for wf install to install it)`, { cause: error }));
        return;
      }
      try {
        resolve(parsePackedFiles(stdout));
      } catch (parseError) {
        reject(new PackedFilesError(`${command} in ${root} printed what wf cannot read (${(parseError as Error).message}); check that npm is npm 7 or newer`, { cause: parseError }));
      }
    });
  });
}

/** The file paths of `npm pack --dry-run --json`'s report on one package; throws when it is not such a report. */
export function parsePackedFiles(stdout: string): Set<string> {
  const report: unknown = JSON.parse(stdout);
  const first: unknown = Array.isArray(report) ? report[0] : undefined;
  const files = typeof first === "object" && first !== null ? (first as { files?: unknown }).files : undefined;
  if (!Array.isArray(files)) throw new Error('no [{ "files": [...] }] in its output');
  const paths = new Set<string>();
  for (const file of files) {
    const p = typeof file === "object" && file !== null ? (file as { path?: unknown }).path : undefined;
    if (typeof p !== "string") throw new Error('a file without a "path"');
    paths.add(p.replace(/^\.\//, ""));
  }
  return paths;
}
