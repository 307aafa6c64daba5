/** Shows a progress tree while it runs: bars, log lines, notebook text, or nothing. */
export interface ProgressPresenter {
  /** Show the final state and let go of timers and the terminal. Safe to call twice. */
  stop(): void;
}
