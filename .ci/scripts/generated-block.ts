/**
 * Keeps a generated block of a Markdown page (README.md, or `file` such as docs/events.md;
 * between two marker comments) in step with its source: rewrites it, or with `--check` exits 1
 * when it is stale. `--root DIR` uses the page under DIR (tests). Missing markers exit 2. Shared by the docs:config, docs:events and docs:toc scripts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function syncReadmeBlock(block: { start: string; end: string; what: string; script: string; render: (readme: string) => string; file?: string }): void {
  const rootAt = process.argv.indexOf("--root");
  const root = rootAt >= 0 ? process.argv[rootAt + 1]! : fileURLToPath(new URL("../..", import.meta.url));
  const name = block.file ?? "README.md";
  const readmePath = path.join(root, name);
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(block.start);
  const end = readme.indexOf(block.end);
  if (start < 0 || end < start) {
    console.error(`${name} has no ${block.what} markers:\n${block.start}\n${block.end}`);
    process.exit(2);
  }
  const updated = `${readme.slice(0, start + block.start.length)}\n${block.render(readme)}\n${readme.slice(end)}`;
  if (process.argv.includes("--check")) {
    if (updated !== readme) {
      console.error(`${name}'s ${block.what} is stale: run \`npm run ${block.script}\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${name}'s ${block.what} is up to date.`);
  } else {
    writeFileSync(readmePath, updated);
    console.log(`${name}'s ${block.what} rewritten.`);
  }
}
