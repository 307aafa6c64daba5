#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { setWfBinPath } from "./wf-bin.js";
// The one engine file the bin loads up front, directly: it imports nothing else of wfkit's, so
// the task process of `wf run-task` starts before the CLI (or the engine) has loaded.
import { SUPERVISED_FLAG } from "../engines/airflow/worker/ipc-messages.js";
import { startTaskProcessEarly } from "../engines/airflow/worker/task-process.js";

const bin = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
setWfBinPath(bin);
let code: number;
if (argv[0] === "run-task" && argv.includes(SUPERVISED_FLAG)) {
  // The task process a supervising `wf run-task` started: its task comes over IPC, checked.
  const { taskProcessCommand } = await import("./commands/task-process.js");
  code = await taskProcessCommand();
} else {
  startTaskProcessEarly(argv, bin, process.env, process.cwd());
  const { main } = await import("./program.js");
  code = await main(argv);
}
// Exit explicitly once everything is printed: a user task that leaves a handle open (a pool,
// a timer) must not keep `wf` hanging after its run has been reported.
process.stdout.write("", () => process.exit(code));
