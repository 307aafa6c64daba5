/**
 * One side of bench/telemetry.ts's local-engine measurement: a child process that loads the build
 * of wfkit in the folder given as its first argument (as bench/local-engine.ts --vs does, through
 * that build's own package.json exports), builds the two shapes of no-op tasks (chain and
 * fan-out, as bench/support/local-engine-measure.ts builds them, with the task count given as the
 * second argument) and runs `runLocal` on a fresh workflow when asked, with the environment given
 * (as JSON) in the third argument as its `env` option for the whole life of the process: `{}`
 * (WF_OTEL unset: off, as bench/local-engine.ts runs), or WF_OTEL=on with the receiver's
 * OTEL_EXPORTER_OTLP_ENDPOINT (and whatever other OTEL_* the parent sets).
 *
 * One process per build and environment, not one per build: once telemetry is on, the SDK
 * registers a global AsyncLocalStorage context manager for the rest of the process, which would
 * tax every later "off" run in it.
 *
 *   request  { id, op: "run", shape }  or  { id, op: "close" }
 *   reply    { id, ok: true, value }  or  { id, ok: false, error }
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { clockOf, CONCURRENCY, loadBuild, quietLogger, shapeBuilders, type BenchWorkflow } from "./local-engine-measure.js";
import { noopCalls } from "./noop.js";
import { countRunDirs } from "./run-dirs.js";

export type TelemetryChildRequest = { id: number; op: "run"; shape: "chain" | "fan-out" } | { id: number; op: "close" };
export type TelemetryChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** One runLocal: wall and CPU time (this process: user + system, every thread), and whether all went as it should. */
export interface EngineRun {
  wallMs: number;
  cpuMs: number;
  /** Empty when the run succeeded and every task ran. */
  problem: string;
}

const [dir, tasksArg, envArg] = process.argv.slice(2);
const TASKS = Number.parseInt(tasksArg ?? "", 10);
if (dir === undefined || !(TASKS > 0) || envArg === undefined) throw new Error("usage: telemetry-engine-child.ts <wfkit dir> <tasks> <env as JSON>");
const env = JSON.parse(envArg) as Record<string, string>;

const wfkit = await loadBuild(dir);
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const wall = clockOf("wall");
const cpu = clockOf("cpu");
const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-telemetry-"));
const logger = quietLogger(wfkit);
const build = shapeBuilders(wfkit, TASKS);
const shapes: Record<"chain" | "fan-out", { tasks: number; build: () => BenchWorkflow }> = {
  chain: { tasks: TASKS, build: build.chain },
  "fan-out": { tasks: TASKS + 2, build: build["fan-out"] },
};
let runs = 0;

/** One runLocal on a fresh workflow (built outside the timer, after a forced GC). */
async function run(name: "chain" | "fan-out"): Promise<EngineRun> {
  const shape = shapes[name];
  const wf = shape.build();
  gc();
  noopCalls.count = 0;
  const w0 = wall();
  const c0 = cpu();
  const result = await wfkit.runLocal(wf, { logger, home, concurrency: CONCURRENCY, retryDelaySeconds: 0, env });
  const cpuMs = cpu() - c0;
  const wallMs = wall() - w0;
  runs++;
  const ok = result.status === "success" && noopCalls.count === shape.tasks && result.tasks.length === shape.tasks;
  return { wallMs, cpuMs, problem: ok ? "" : `${name}: run ${result.status}, ${noopCalls.count} of ${shape.tasks} tasks ran` };
}

/** Remove the temp WF_HOME; a warning when a run made no run directory. */
function close(): string[] {
  const runDirs = countRunDirs(home);
  rmSync(home, { recursive: true, force: true });
  return runDirs === runs ? [] : [`expected ${runs} run directories, found ${runDirs}`];
}

const send = (reply: TelemetryChildReply) => process.send!(reply);

process.on("message", (request: TelemetryChildRequest) => {
  (request.op === "run" ? run(request.shape) : Promise.resolve(close())).then(
    (value) => {
      send({ id: request.id, ok: true, value });
      if (request.op === "close") process.disconnect();
    },
    (error: unknown) => send({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
send({ id: 0, ok: true, value: "ready" });
