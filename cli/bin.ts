#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { setWfBinPath } from "./wf-bin.js";
import { startTaskProcessEarly } from "./task-process.js";

const bin = fileURLToPath(import.meta.url);
setWfBinPath(bin);
// Before the CLI itself loads (hence the dynamic import): the task process of `wf run-task`
// starts while this one gets ready to supervise it.
startTaskProcessEarly(process.argv.slice(2), bin, process.env, process.cwd());
const { main } = await import("./program.js");
const code = await main(process.argv.slice(2));
// Exit explicitly once everything is printed: a user task that leaves a handle open (a pool,
// a timer) must not keep `wf` hanging after its run has been reported.
process.stdout.write("", () => process.exit(code));
