import { fork, type ChildProcess } from "node:child_process";
import { SUPERVISED_FLAG, type FromTaskProcess } from "./task-process-messages.js";
import { newRunId } from "../src/run/new-run-id.js";

/** The task process a supervising `wf run-task` started. */
export interface TaskProcess {
  readonly child: ChildProcess;
  /** The run id both processes use (the task process was given it). */
  readonly runId: string;
  /** How it ended, once it has exited and its output and IPC channel are closed. */
  readonly closed: Promise<[number | null, NodeJS.Signals | null]>;
  /** Hand `handler` every message from the task process, in order, the ones already received included. */
  onMessage(handler: (message: FromTaskProcess) => void): void;
}

/**
 * Start `wf run-task <args> --supervised` as the task process, with a run id (the given one, or
 * a new one) and an IPC channel. Messages are kept until someone takes them.
 */
export function startTaskProcess(bin: string, args: readonly string[], runId: string | undefined, options: { env: NodeJS.ProcessEnv; cwd: string }): TaskProcess {
  const id = runId ?? newRunId();
  // Given last, it wins over a --run-id or WF_RUN_ID the arguments already have: the same id either way.
  const child = fork(bin, ["run-task", ...args, "--run-id", id, SUPERVISED_FLAG], {
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
    runId: id,
    closed,
    onMessage(handler) {
      child.off("message", keep);
      for (const message of kept.splice(0)) handler(message);
      child.on("message", handler);
    },
  };
}

let early: TaskProcess | undefined;

/**
 * `wf run-task` supervises: start the task process first thing, before the supervisor loads
 * its own modules, so that the two start-ups overlap (each Airflow task pays for both). Only for
 * a plain `run-task` call with a task given and without WF_BUS_STRICT (which must check the bus
 * before the task starts); anything else takes the usual path.
 */
export function startTaskProcessEarly(argv: readonly string[], bin: string, env: NodeJS.ProcessEnv, cwd: string): void {
  if (argv[0] !== "run-task" || argv.includes(SUPERVISED_FLAG) || argv.includes("-h") || argv.includes("--help")) return;
  const set = (name: string) => (env[name] ?? "").trim() !== "";
  if (!argv.some((a) => a === "--task" || a.startsWith("--task=")) && !set("WF_TASK")) return;
  if (set("WF_BUS_STRICT") && !/^(false|0|no|off)$/i.test(env["WF_BUS_STRICT"]!.trim())) return;
  const at = argv.findIndex((a) => a === "--run-id" || a.startsWith("--run-id="));
  const given = at < 0 ? (set("WF_RUN_ID") ? env["WF_RUN_ID"]!.trim() : undefined) : argv[at]!.includes("=") ? argv[at]!.slice("--run-id=".length) : argv[at + 1];
  early = startTaskProcess(bin, argv.slice(1), given || undefined, { env, cwd });
}

/** The task process `startTaskProcessEarly` started, once. */
export function takeEarlyTaskProcess(): TaskProcess | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
