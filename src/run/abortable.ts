/**
 * Wait for `value` unless `signal` aborts first; then reject with `onAbort()`. The abandoned
 * promise gets a no-op catch so that its later rejection is not reported as unhandled.
 */
export function abortable<T>(value: T | PromiseLike<T>, signal: AbortSignal, onAbort: () => unknown): Promise<T> {
  if (!isThenable(value)) return Promise.resolve(value);
  const promise = Promise.resolve(value);
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(onAbort());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      promise.catch(() => {});
      reject(onAbort());
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", abort);
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
