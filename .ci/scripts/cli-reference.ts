/**
 * docs/cli.md, the CLI reference: `wf --help` and every command's `--help`, as the built `wf`
 * prints them (so the page and the program cannot disagree).
 *   npm run docs:cli            rewrite docs/cli.md (needs dist/: npm run build)
 *   npm run docs:cli -- --check exit 1 if docs/cli.md is stale (CI runs this)
 * `wf` runs with its output piped, so commander wraps help at its fixed 80 columns whatever the
 * terminal: the same bytes on every machine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "dist", "cli", "bin.js");
const target = path.join(root, "docs", "cli.md");

function help(args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args, "--help"], { cwd: root, encoding: "utf8", env: { PATH: process.env["PATH"] ?? "", NO_COLOR: "1" } });
  if (r.status !== 0) {
    console.error(`wf ${args.join(" ")} --help failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
    process.exit(2);
  }
  return r.stdout.trimEnd();
}

/** The command names a help text lists under "Commands:" (`help` left out). */
function commandsOf(text: string): string[] {
  const section = text.split("\nCommands:\n")[1]?.split("\n\n")[0] ?? "";
  return section
    .split("\n")
    .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
}

function render(): string {
  const top = help([]);
  const parts = ["# `wf` command reference", "", "Generated from the program's own help (`npm run docs:cli`); exit codes and configuration are in the README.", "", "```text", top, "```"];
  const walk = (args: string[]) => {
    for (const name of commandsOf(help(args))) {
      const command = [...args, name];
      const text = help(command);
      parts.push("", `## wf ${command.join(" ")}`, "", "```text", text, "```");
      walk(command);
    }
  };
  walk([]);
  return `${parts.join("\n")}\n`;
}

if (!existsSync(bin)) {
  console.error(`${bin} is missing: run npm run build first`);
  process.exit(2);
}
const text = render();
if (process.argv.includes("--check")) {
  if (!existsSync(target) || readFileSync(target, "utf8") !== text) {
    console.error("docs/cli.md is stale: run `npm run docs:cli` and commit the result.");
    process.exit(1);
  }
  console.log("docs/cli.md is up to date.");
} else {
  writeFileSync(target, text);
  console.log("docs/cli.md rewritten.");
}
