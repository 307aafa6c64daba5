#!/usr/bin/env node
import { pathToFileURL } from "node:url";
// The two engine files the bin loads up front import nothing else of wfkit's: `wf run-task`, the
// command of every Airflow task, finds its module's compiled form before anything is loaded.
import { parseRunTaskArgs } from "../engines/airflow/worker/run-task-args.js";
import { compiledTwinPath } from "../engines/airflow/worker/compiled-twin.js";

const argv = process.argv.slice(2);
let code: number;
const runTask = argv[0] === "run-task" && !argv.includes("-h") && !argv.includes("--help") ? parseRunTaskArgs(argv.slice(1), process.env) : undefined;
const twin = runTask?.problem === undefined && runTask !== undefined ? compiledTwinPath(runTask.module, process.cwd()) : undefined;
if (twin !== undefined) {
  // A module `wf install` compiled: it holds the workflow, wfkit's worker runtime and its entry point.
  process.setSourceMapsEnabled(true);
  const compiled = (await import(pathToFileURL(twin).href)) as { runTask(argv: readonly string[]): Promise<number> };
  code = await compiled.runTask(argv.slice(1));
} else if (runTask !== undefined) {
  const { runTaskFromArgs } = await import("./commands/run-task.js");
  code = await runTaskFromArgs(runTask);
} else {
  const { main } = await import("./program.js");
  code = await main(argv);
}
// Exit explicitly once everything is printed: a user task that leaves a handle open (a pool,
// a timer) must not keep `wf` hanging after its run has been reported.
process.stdout.write("", () => process.exit(code));
