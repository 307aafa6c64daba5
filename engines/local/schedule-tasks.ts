import TinyQueue from "tinyqueue";
import { type TaskResult, type TaskStatus, type Workflow } from "../../src/index.js";
import { downstreamsOf, type RunLifecycle } from "../../src/engine.js";

/** Scheduling knobs, resolved. */
export interface ScheduleOptions {
  concurrency: number;
  /** Overrides every task's retry delay when set. */
  retryDelaySeconds?: number | undefined;
}

// What finished upstreams mean for a task still waiting: 0 all succeeded, 1 one was skipped,
// 2 one failed (or never ran). The worst one decides, as in Airflow's default trigger rule.
const OK = 0;
const SKIPPED = 1;
const BLOCKED = 2;

/**
 * Run every task of a valid workflow, respecting dependencies, up to `concurrency` at a time;
 * ties go to the task added first. A failed task's downstream tasks are `upstream_failed`, a
 * skipped task's are `skipped`; other branches go on. In a re-run, the tasks the plan reuses
 * are not run (`RunLifecycle.reuseTask`) and count as they ended in the original run. After the signal aborts no task starts:
 * running ones end `terminated`, the rest `not_run`. Results come back in topological order.
 */
export function scheduleTasks(lifecycle: RunLifecycle, workflow: Workflow, options: ScheduleOptions): Promise<TaskResult[]> {
  const run = lifecycle.context;
  const nodes = workflow.nodes;
  const graph = workflow.graph();
  const n = nodes.length;
  const down = downstreamsOf(graph);
  const waiting = graph.map((node) => node.upstreams.length);
  const upstreamState = new Uint8Array(n);
  // Upstream names from the graph's indexes: the nodes' names are read as they are, not from
  // each upstream class (one class per task makes that a slow, megamorphic read).
  const results: TaskResult[] = nodes.map((node, i) => ({
    task: node.name,
    status: "not_run",
    upstreams: graph[i]!.upstreams.map((u) => nodes[u]!.name),
    attempts: [],
  }));
  const ready = new TinyQueue<number>([], (a, b) => a - b);
  const signal = run.signal;
  const reuse = lifecycle.rerun?.reuse;
  let running = 0;
  let finished = 0;

  return new Promise<TaskResult[]>((resolve) => {
    // A worklist instead of recursion: a failure at the head of a 10,000-task chain settles
    // every task behind it without growing the stack.
    const settle = (first: number, firstStatus: TaskStatus) => {
      const work: [number, TaskStatus][] = [[first, firstStatus]];
      while (work.length > 0) {
        const [i, status] = work.pop()!;
        results[i]!.status = status;
        finished++;
        run.progress.advance(1);
        const mark = status === "success" ? OK : status === "skipped" ? SKIPPED : status === "reused" ? (results[i]!.reused?.status === "skipped" ? SKIPPED : OK) : BLOCKED;
        for (const d of down[i]!) {
          if (mark > upstreamState[d]!) upstreamState[d] = mark;
          if (--waiting[d]! > 0) continue;
          if (signal.aborted) work.push([d, "not_run"]);
          else if (upstreamState[d] === BLOCKED) work.push([d, "upstream_failed"]);
          else if (upstreamState[d] === SKIPPED) work.push([d, "skipped"]);
          else ready.push(d);
        }
      }
    };

    const pump = () => {
      if (signal.aborted) while (ready.length > 0) settle(ready.pop()!, "not_run");
      while (running < options.concurrency && ready.length > 0) {
        const i = ready.pop()!;
        // A re-run's reused task does not run: it ends at once, as it ended in the original run.
        if (reuse?.has(nodes[i]!.name) === true) {
          lifecycle.reuseTask(nodes[i]!, results[i]!);
          settle(i, "reused");
          continue;
        }
        running++;
        // One `then` with both handlers (not catch + then): one promise and one microtask turn per task less.
        void runNode(i).then(
          (status) => ended(i, status),
          (error: unknown) => {
            // runTask never throws for a task's failure; this guards the run against a bug in wfkit itself,
            // which must fail the task rather than leave the whole run waiting forever.
            results[i]!.error = error;
            ended(i, "failed");
          },
        );
      }
      if (finished === n) {
        signal.removeEventListener("abort", pump);
        resolve(workflow.orderIndexes().map((i) => results[i]!));
      }
    };

    const ended = (i: number, status: TaskStatus) => {
      running--;
      settle(i, status);
      pump();
    };

    const runNode = (i: number): Promise<TaskStatus> => {
      const node = nodes[i]!;
      const delaySeconds = options.retryDelaySeconds ?? node.settings.retryDelaySeconds;
      return lifecycle.runTask(node, results[i]!, { firstAttempt: 1, lastAttempt: node.settings.retries + 1, delaySeconds });
    };

    signal.addEventListener("abort", pump, { once: true });
    for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
    pump();
  });
}
