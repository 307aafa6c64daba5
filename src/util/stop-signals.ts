import { exitProcess } from "./exit-guard.js";

/** 128 + signal number, the shell's convention for a process stopped by a signal: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1;
}

/** What `watchStopSignals` hands back: the signal to pass on, which signal came, and a way to stop listening. */
export interface StopSignals {
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  stoppedBy(): NodeJS.Signals | undefined;
  /** Stop as if `signal` had arrived, but only once: a request never counts as the second signal. */
  stop(signal: NodeJS.Signals): void;
  dispose(): void;
}

/**
 * Turn the first SIGINT/SIGTERM into an abort, so that running tasks roll back and tear down, and
 * exit at once on the second. `what` names what is stopping, for the message `say` writes (stderr).
 */
export function watchStopSignals(say: (text: string) => void, what: string): StopSignals {
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy !== undefined) exitProcess(signalExitCode(signal));
    stoppedBy = signal;
    say(`wf: ${signal}: stopping ${what} (rollback and teardown run; ${signal} again to exit now)\n`);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    stoppedBy: () => stoppedBy,
    stop: (signal) => {
      if (stoppedBy === undefined) onSignal(signal);
    },
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
