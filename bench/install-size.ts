/**
 * The disk size of one installed workflow version on an Airflow worker, as `wf install` leaves it:
 * a small workflow package (one TypeScript workflow module that imports wfkit and zod) packed
 * with `npm pack`, with wfkit packed from this repository, installed by this repository's
 * `wf install` into a temp root, then measured (bytes of every file, as `du --apparent-size`
 * counts them, and the number of files), by top-level package of its node_modules.
 *
 *   npm run build && tsx bench/install-size.ts          # prints a table
 *   npm run build && tsx bench/install-size.ts --json   # machine-readable
 *
 * Peer, in the same run: the same package installed the way `wf install` did before compiled
 * installs (`npm install --omit=dev`, wfkit's build tools, which are now its peer dependencies,
 * installed with it as they were as its dependencies): what a worker held then. It is a
 * benchmark, not a test: it never fails; it needs npm and the registry (or npm's cache) for
 * wfkit's dependencies.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./support/machine.js";

const json = process.argv.includes("--json");
const loadStart = loadavg()[0]!;
const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "dist", "cli", "bin.js");
const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-size-"));

const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
npm(["pack", "--ignore-scripts", "--pack-destination", dir], repo);
const tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz"))!);

const pkg = path.join(dir, "flows");
mkdirSync(path.join(pkg, "src"), { recursive: true });
writeFileSync(
  path.join(pkg, "package.json"),
  `${JSON.stringify({ name: "size-flows", version: "1.0.0", type: "module", files: ["src/"], dependencies: { wfkit: `file:${tarball}`, zod: "^4.0.0" } }, null, 2)}\n`,
);
writeFileSync(
  path.join(pkg, "src", "flow.ts"),
  [
    'import { z } from "zod";',
    'import { TaskBase, Workflow } from "wfkit";',
    "export class Hello extends TaskBase<{ who: string }> { run(): void { this.logger.info(`hello ${this.params.who}`); } }",
    'export const flow = new Workflow({ category: "size", inputData: "nothing", outputData: "greeting", version: "1.0.0", params: z.object({ who: z.string().default("world") }) });',
    "flow.addNode(Hello);",
    "",
  ].join("\n"),
);
const flowsTarball = path.join(dir, npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], pkg).match(/"filename":\s*"([^"]+)"/)![1]!);

/** Bytes and files under `folder` (symlinks counted as themselves, not followed). */
function measure(folder: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    const stat = lstatSync(path.join(entry.parentPath, entry.name));
    if (stat.isDirectory()) continue;
    bytes += stat.size;
    files++;
  }
  return { bytes, files };
}
/** The biggest top-level packages of a node_modules folder. */
function packages(nodeModules: string): { name: string; bytes: number }[] {
  const names = readdirSync(nodeModules).filter((n) => !n.startsWith("."));
  const expanded = names.flatMap((n) => (n.startsWith("@") ? readdirSync(path.join(nodeModules, n)).map((m) => `${n}/${m}`) : [n]));
  return expanded.map((name) => ({ name, bytes: measure(path.join(nodeModules, name)).bytes })).sort((a, b) => b.bytes - a.bytes);
}

// Today's install.
const root = path.join(dir, "root");
execFileSync(process.execPath, [bin, "install", flowsTarball, "--root", root], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const installed = path.join(root, "size-flows", "1.0.0");
const now = { ...measure(installed), top: packages(path.join(installed, "node_modules")).slice(0, 8) };

// The peer: the install as it was, build tools included.
const before = path.join(dir, "before");
mkdirSync(before);
writeFileSync(path.join(before, "package.json"), '{ "name": "before", "private": true }\n');
npm(["install", "--omit=dev", "--no-audit", "--no-fund", flowsTarball], before);
const then = measure(before);

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const result = {
  benchmark: "install-size",
  wfkitVersion: (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version,
  installed: { bytes: now.bytes, files: now.files, biggestPackages: now.top },
  peer: { what: "npm install --omit=dev of the same tarball (peer dependencies installed, as dependencies were)", bytes: then.bytes, files: then.files },
  ratio: now.bytes / then.bytes,
  machine: machineInfo(loadStart),
};
rmSync(dir, { recursive: true, force: true });
if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`installed size of one workflow version (wfkit ${result.wfkitVersion})`);
  console.log(`wf install (compiled, no peer or dev dependencies): ${mb(now.bytes)} in ${now.files} files`);
  console.log(`peer: npm install --omit=dev with the build tools:   ${mb(then.bytes)} in ${then.files} files`);
  console.log(`ratio: ${result.ratio.toFixed(2)}x`);
  console.log("biggest packages of the install:");
  for (const p of now.top) console.log(`  ${p.name.padEnd(24)} ${mb(p.bytes)}`);
}
