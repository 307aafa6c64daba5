const drainWaiters = new Set<() => void>();
const onBeforeExit = (): void => {
  for (const waiter of [...drainWaiters]) waiter();
};

/** Call `callback` if the event loop runs dry before the returned function is called. */
export function onLoopDrained(callback: () => void): () => void {
  if (drainWaiters.size === 0) process.on("beforeExit", onBeforeExit);
  drainWaiters.add(callback);
  return () => {
    if (drainWaiters.delete(callback) && drainWaiters.size === 0) process.off("beforeExit", onBeforeExit);
  };
}

/**
 * Wait for `value` unless `signal` aborts first; then reject with `onAbort()`. With `onStall`,
 * reject with `onStall()` when the event loop runs dry while waiting: a promise that nothing
 * can settle any more (it would otherwise end the process silently, exit code 13). The abandoned
 * promise gets a no-op catch so that its later rejection is not reported as unhandled.
 */
export function abortable<T>(value: T | PromiseLike<T>, signal: AbortSignal, onAbort: () => unknown, onStall?: () => unknown): Promise<T> {
  if (!isThenable(value)) return Promise.resolve(value);
  const promise = Promise.resolve(value);
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      promise.catch(() => {});
      forget();
      reject(onAbort());
    };
    // Nothing else can settle `value` once the event loop has run dry (Node's `beforeExit`).
    const stop = onStall === undefined ? undefined : onLoopDrained(() => {
      promise.catch(() => {});
      signal.removeEventListener("abort", abort);
      reject(onStall());
    });
    const forget = () => stop?.();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", abort);
        forget();
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", abort);
        forget();
        reject(e);
      },
    );
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

const NEVER_ABORTED = new AbortController().signal;

/** Wait for `value`, rejecting with `onStall()` if the event loop runs dry first (see {@link abortable}). */
export function unlessStalled<T>(value: T | PromiseLike<T>, onStall: () => unknown): Promise<T> {
  return abortable(value, NEVER_ABORTED, () => undefined, onStall);
}
