/**
 * The API reference in docs/api/, generated from the TSDoc of the five entry points by TypeDoc
 * (typedoc.json; Markdown through typedoc-plugin-markdown, so it reads on GitHub and npm).
 *   npm run docs:api            regenerate docs/api/
 *   npm run docs:api -- --check exit 1 if docs/api/ is not what the sources give (CI runs this)
 *   --target DIR                write or check DIR instead (tests)
 * The output is deterministic (no paths, dates or source links), so a check is a byte comparison.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const targetAt = process.argv.indexOf("--target");
// --target DIR: check or write DIR instead of docs/api (tests).
const target = targetAt >= 0 ? path.resolve(process.argv[targetAt + 1]!) : path.join(root, "docs", "api");
const check = process.argv.includes("--check");

function generate(out: string): void {
  const typedoc = path.join(root, "node_modules", ".bin", "typedoc");
  const r = spawnSync(typedoc, ["--out", out, "--logLevel", "Error"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`typedoc failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

if (!check) {
  rmSync(target, { recursive: true, force: true });
  generate(target);
  console.log(`docs/api rewritten: ${files(target).length} files.`);
} else {
  const fresh = mkdtempSync(path.join(tmpdir(), "wfkit-api-"));
  try {
    generate(fresh);
    const want = files(fresh);
    const have = files(target);
    const stale = [
      ...want.filter((f) => !have.includes(f)).map((f) => `missing ${f}`),
      ...have.filter((f) => !want.includes(f)).map((f) => `extra ${f}`),
      ...want.filter((f) => have.includes(f) && !readFileSync(path.join(fresh, f)).equals(readFileSync(path.join(target, f)))).map((f) => `changed ${f}`),
    ];
    if (stale.length > 0) {
      console.error(`docs/api is stale (${stale.length}: ${stale.slice(0, 5).join(", ")}${stale.length > 5 ? ", …" : ""}): run \`npm run docs:api\` and commit the result.`);
      process.exit(1);
    }
    console.log(`docs/api is up to date (${want.length} files).`);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}
