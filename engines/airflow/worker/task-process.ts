import { fork, type ChildProcess } from "node:child_process";
import { SUPERVISED_FLAG, type FromTaskProcess, type ToTaskProcess } from "./ipc-messages.js";

// Kept free of wfkit's other modules: the bin script imports this file before anything else, so
// that the task process starts while the supervisor is still loading.

/** The task process a supervising `wf run-task` started. */
export interface TaskProcess {
  readonly child: ChildProcess;
  /** How it ended, once it has exited and its output and IPC channel are closed. */
  readonly closed: Promise<[number | null, NodeJS.Signals | null]>;
  /** Hand `handler` every message from the task process, in order, the ones already received included. */
  onMessage(handler: (message: FromTaskProcess) => void): void;
  /** Send a message to the task process (dropped once it has gone). */
  send(message: ToTaskProcess): void;
  /** End a task process that was never given a task (the supervisor refused its options). */
  discard(): Promise<void>;
}

/**
 * Start `wf run-task --supervised` as the task process, with an IPC channel: it loads what it
 * needs and waits for its task (a `run` message). Messages from it are kept until someone takes
 * them.
 */
export function startTaskProcess(bin: string, options: { env: NodeJS.ProcessEnv; cwd: string }): TaskProcess {
  const child = fork(bin, ["run-task", SUPERVISED_FLAG], {
    env: options.env,
    cwd: options.cwd,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    // The task process's own flags (e.g. --max-old-space-size) come through NODE_OPTIONS.
    execArgv: process.execArgv,
  });
  const kept: FromTaskProcess[] = [];
  const keep = (message: FromTaskProcess) => kept.push(message);
  child.on("message", keep);
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve([code, signal]));
  });
  closed.catch(() => {});
  return {
    child,
    closed,
    onMessage(handler) {
      child.off("message", keep);
      for (const message of kept.splice(0)) handler(message);
      child.on("message", handler);
    },
    send(message) {
      if (child.connected) child.send(message, () => {});
    },
    async discard() {
      // It is still loading, or waiting for a task that will not come: it has done nothing yet.
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await closed.catch(() => {});
    },
  };
}

let early: TaskProcess | undefined;

/**
 * `wf run-task` supervises: start the task process first thing, before the supervisor loads its
 * own modules, so that the two start-ups overlap (each Airflow task pays for both). The task
 * process then waits for the supervisor to hand it the checked request, so nothing is decided
 * here but that this is a `run-task` call.
 */
export function startTaskProcessEarly(argv: readonly string[], bin: string, env: NodeJS.ProcessEnv, cwd: string): void {
  if (argv[0] !== "run-task" || argv.includes(SUPERVISED_FLAG) || argv.includes("-h") || argv.includes("--help")) return;
  early = startTaskProcess(bin, { env, cwd });
}

/** The task process `startTaskProcessEarly` started, once. */
export function takeEarlyTaskProcess(): TaskProcess | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
