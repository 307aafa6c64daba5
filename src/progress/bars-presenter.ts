import { divertTerminal } from "../util/terminal-diversion.js";
import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions, TerminalStream } from "./progress-options.js";
import type { ProgressPresenter } from "./progress-presenter.js";
import { formatRow, runningRows, titleWidthOf } from "./progress-rows.js";
import { RateMeter } from "./rate-meter.js";

// Erase the whole line; cursor up one line; cursor to column 1.
const ERASE_LINE = "\x1b[2K";
const UP = "\x1b[1A";
const COLUMN_1 = "\x1b[G";

// Text waiting to go above the bars is written at once past this size, without waiting for the frame.
const MAX_PENDING = 64 * 1024;

type StdWrite = typeof process.stdout.write;

/**
 * Live bars at the bottom of the terminal: one line for the run, each running task and each
 * running sub-tracker, indented by depth. Everything else written to the terminal meanwhile —
 * wfkit's log lines, a task's `console.log` — goes above the bars, whole lines at a time, with
 * the next frame. On stop the bars are erased: what stays on the terminal is what was printed
 * above them, and the caller's summary (with each task's final metrics) follows.
 *
 * Each frame is one write: erase the previous bars line by line, print the waiting text, draw
 * the bars, the last one without a newline so the cursor stays on it. Line by line, not "erase
 * to the end of the screen": tmux and terminals that keep cleared screens in their scroll-back
 * would otherwise keep every frame there.
 */
export class BarsPresenter implements ProgressPresenter {
  private readonly meter = new RateMeter();
  private readonly write: (text: string) => void;
  private drawn = 0;
  private pending = "";
  private readonly partial = new Map<number, string>();
  private restore: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onExit = () => this.stop();

  constructor(
    private readonly root: ProgressTracker,
    private readonly options: CompiledProgressOptions,
    private readonly terminal: TerminalStream = options.stream,
  ) {
    // Captured before stdout/stderr are diverted: the bars themselves go straight to the terminal.
    this.write = terminal.write.bind(terminal) as (text: string) => void;
  }

  /** Take over the terminal and draw the first frame. */
  start(): void {
    this.divertStdio();
    process.on("exit", this.onExit);
    this.timer = setInterval(() => this.frame(), this.options.refreshMs);
    this.timer.unref();
    this.frame();
  }

  /** Draw one frame now: the text waiting to go above, then the bars. */
  frame(): void {
    if (this.stopped) return;
    const rows = runningRows(this.root, this.options.levels, this.meter);
    const width = Math.max(20, (this.terminal.columns ?? 80) - 1);
    const layout = { width, titleWidth: titleWidthOf(rows), ascii: false };
    const lines = rows.map((row) => formatRow(row, layout));
    this.write(this.erase() + this.takePending() + lines.join("\n"));
    this.drawn = lines.length;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    process.off("exit", this.onExit);
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
    // A line a task left unfinished is ended, so that the summary starts on a line of its own.
    for (const [, text] of this.partial) if (text !== "") this.pending += `${text}\n`;
    this.partial.clear();
    this.write(this.erase() + this.takePending());
    this.drawn = 0;
  }

  // Back to the start of the first bar line, erasing each bar line on the way.
  private erase(): string {
    if (this.drawn === 0) return "";
    return `${ERASE_LINE}${`${UP}${ERASE_LINE}`.repeat(this.drawn - 1)}${COLUMN_1}`;
  }

  private takePending(): string {
    const text = this.pending;
    this.pending = "";
    return text;
  }

  // stdout and stderr on this terminal, and the logger's direct writes to them, go above the bars.
  private divertStdio(): void {
    const fds: number[] = [];
    for (const [fd, stream] of [
      [1, process.stdout],
      [2, process.stderr],
    ] as const) {
      if (stream.isTTY !== true) continue;
      fds.push(fd);
      const original = stream.write;
      const patched = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        this.above(fd, text);
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
      }) as StdWrite;
      stream.write = patched;
      this.restore.push(() => {
        if (stream.write === patched) stream.write = original;
      });
    }
    this.restore.push(divertTerminal(fds, (text) => this.above(2, text)));
  }

  // Whole lines wait for the next frame; a line still being written waits for its end.
  private above(fd: number, text: string): void {
    const line = (this.partial.get(fd) ?? "") + text;
    const end = line.lastIndexOf("\n");
    if (end < 0) {
      this.partial.set(fd, line);
      return;
    }
    this.partial.set(fd, line.slice(end + 1));
    this.pending += line.slice(0, end + 1);
    if (this.pending.length > MAX_PENDING) this.frame();
  }
}
