import path from "node:path";
import { initProject } from "../../build-utils/init/index.js";
import type { CliIo } from "../cli-io.js";
import { EXIT } from "../exit-codes.js";

/** `wf init [dir]`: set up a project (default: the current folder) for wfkit; print what it did and what to run next. */
export async function initCommand(io: CliIo, dir: string | undefined): Promise<number> {
  const result = initProject(path.resolve(io.cwd, dir ?? "."));
  const lines = [`set up ${result.dir} for wfkit`];
  for (const file of result.created) lines.push(`  created  ${file}`);
  for (const file of result.updated) lines.push(`  updated  ${file}`);
  for (const file of result.skipped) lines.push(`  kept     ${file} (already there)`);
  const cd = path.relative(io.cwd, result.dir);
  const next = [
    ...(cd === "" ? [] : [`cd ${JSON.stringify(cd)}`]),
    ...result.install,
    "npx wf run src/workflows/hello.ts",
    "npm test",
    "npx wf export --engine airflow --out dags .",
  ];
  lines.push("next:", ...next.map((command) => `  ${command}`));
  io.out(`${lines.join("\n")}\n`);
  return EXIT.OK;
}
