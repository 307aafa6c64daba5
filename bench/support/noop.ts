// The no-op that every no-op task and every floor function calls, and the floor itself. Free of
// any wfkit import, so that a process measuring another build of wfkit (bench/local-engine.ts
// --vs) loads no copy of this one's.
import { performance } from "node:perf_hooks";

/** How many times `noop` ran since the caller last reset it: proof that every task ran. */
export const noopCalls = { count: 0 };

/** What every no-op task's run() and every floor function does. */
export function noop(): void {
  noopCalls.count++;
}

/** The part of a TaskBase class that {@link noopTaskClassOf} needs, from whichever build of wfkit. */
export type TaskBaseLike = abstract new (...args: never[]) => { run(): void | Promise<void> };

/** A distinct subclass of `base` named `name` (task name = class name, unique per workflow) whose run() is `noop`. */
export function noopTaskClassOf<B extends TaskBaseLike>(base: B, name: string): B {
  // A computed key names the class after `name`; the cast hides the abstract constructor the
  // subclass inherits from `base` (it is concrete: run() is there).
  const Base = base as unknown as new (...args: never[]) => { run(): void | Promise<void> };
  const classes = {
    [name]: class extends Base {
      override run(): void {
        noop();
      }
    },
  };
  return classes[name]! as unknown as B;
}

/**
 * The floor of a run of `n` no-op tasks: a plain for-await loop over `n` async functions calling
 * the same no-op. `gc` runs before the timer; `now` is the clock in milliseconds (default: the
 * wall clock). Returns the milliseconds and how many ran.
 */
export async function forAwaitFloor(n: number, gc: () => void, now: () => number = () => performance.now()): Promise<{ ms: number; ran: number }> {
  const fns = Array.from({ length: n }, () => async () => noop());
  gc();
  noopCalls.count = 0;
  const t0 = now();
  for (const fn of fns) await fn();
  return { ms: now() - t0, ran: noopCalls.count };
}
