import TinyQueue from "tinyqueue";
import { type TaskResult, type TaskStatus, type Workflow } from "../../src/index.js";
import { decideTriggerRule, downstreamsOf, type RunLifecycle } from "../../src/engine.js";

/** Scheduling knobs, resolved. */
export interface ScheduleOptions {
  concurrency: number;
  /** Overrides every task's retry delay when set. */
  retryDelaySeconds?: number | undefined;
}

/**
 * Run every task of a valid workflow, respecting dependencies, up to `concurrency` at a time;
 * among ready tasks the higher `priorityWeight` goes first, then the task added first. When a
 * task's upstream tasks have all ended, its trigger rule decides whether it runs or ends
 * `skipped` or `upstream_failed` (`decideTriggerRule`, Airflow's rules); other branches go on. In a re-run, the tasks the plan reuses
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
  // How each task's upstream tasks ended so far, counted for its trigger rule.
  const successes = new Uint32Array(n);
  const skips = new Uint32Array(n);
  const failures = new Uint32Array(n);
  const upstreamFailures = new Uint32Array(n);
  // Upstream names from the graph's indexes: the nodes' names are read as they are, not from
  // each upstream class (one class per task makes that a slow, megamorphic read).
  const results: TaskResult[] = nodes.map((node, i) => ({
    task: node.name,
    status: "not_run",
    upstreams: graph[i]!.upstreams.map((u) => nodes[u]!.name),
    attempts: [],
  }));
  // Priorities are read once; a workflow where every task has the default compares indexes only.
  const priority = nodes.some((node) => node.settings.priorityWeight !== 1) ? Int32Array.from(nodes, (node) => node.settings.priorityWeight) : undefined;
  const ready = new TinyQueue<number>([], priority === undefined ? (a, b) => a - b : (a, b) => priority[b]! - priority[a]! || a - b);
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
        const ended = status === "reused" ? (results[i]!.reused?.status ?? "success") : status;
        const counts = ended === "success" ? successes : ended === "skipped" ? skips : ended === "upstream_failed" ? upstreamFailures : failures;
        for (const d of down[i]!) {
          counts[d]!++;
          if (--waiting[d]! > 0) continue;
          if (signal.aborted) {
            work.push([d, "not_run"]);
            continue;
          }
          const decision = decideTriggerRule(nodes[d]!.settings.triggerRule, { success: successes[d]!, skipped: skips[d]!, failed: failures[d]!, upstreamFailed: upstreamFailures[d]! });
          if (decision === "run") ready.push(d);
          else work.push([d, decision]);
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
      return lifecycle.runTask(node, results[i]!, { firstAttempt: 1, lastAttempt: node.settings.retries + 1, delaySeconds: options.retryDelaySeconds });
    };

    signal.addEventListener("abort", pump, { once: true });
    for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
    pump();
  });
}
