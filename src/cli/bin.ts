#!/usr/bin/env node
import { main } from "./program.js";

const code = await main(process.argv.slice(2));
// Exit explicitly once everything is printed: a user task that leaves a handle open (a pool,
// a timer) must not keep `wf` hanging after its run has been reported.
process.stdout.write("", () => process.exit(code));
