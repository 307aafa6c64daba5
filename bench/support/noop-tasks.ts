import { performance } from "node:perf_hooks";
import { TaskBase, type TaskClass } from "wfkit";

/** How many times `noop` ran since the caller last reset it: proof that every task ran. */
export const noopCalls = { count: 0 };

/** What every no-op task's run() and every floor function does. */
export function noop(): void {
  noopCalls.count++;
}

/** A distinct TaskBase subclass named `name` (task name = class name, unique per workflow) whose run() is `noop`. */
export function noopTaskClass(name: string): TaskClass {
  const classes = {
    [name]: class extends TaskBase {
      run(): void {
        noop();
      }
    },
  };
  return classes[name]!;
}

/**
 * The floor of a run of `n` no-op tasks: a plain for-await loop over `n` async functions calling
 * the same no-op. `gc` runs before the timer. Returns the milliseconds and how many ran.
 */
export async function forAwaitFloor(n: number, gc: () => void): Promise<{ ms: number; ran: number }> {
  const fns = Array.from({ length: n }, () => async () => noop());
  gc();
  noopCalls.count = 0;
  const t0 = performance.now();
  for (const fn of fns) await fn();
  return { ms: performance.now() - t0, ran: noopCalls.count };
}
