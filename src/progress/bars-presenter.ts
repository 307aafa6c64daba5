import type { MultiBar, SingleBar } from "cli-progress";
import { divertTerminal } from "../util/terminal-diversion.js";
import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions, TerminalStream } from "./progress-options.js";
import type { ProgressPresenter } from "./progress-presenter.js";
import { formatRow, levelOf, rowOf, runningRows, titleWidthOf, type ProgressRow } from "./progress-rows.js";
import { RateMeter } from "./rate-meter.js";

// Erase from the cursor to the end of the screen.
const CLEAR_DOWN = "\x1b[0J";

type StdWrite = typeof process.stdout.write;

/**
 * Live bars at the bottom of the terminal: one line for the run, each running task and each
 * running sub-tracker, indented by depth. Everything else written to the terminal meanwhile —
 * wfkit's log lines, a task's `console.log` — is printed above the bars, whole lines at a time.
 * On stop the bars give way to one final line for the run (or to nothing, when the run level
 * is not shown).
 *
 * cli-progress's MultiBar does the terminal work: the redraw timer, cursor bookkeeping and
 * printing buffered text above the bars. Three things are added around it: each row's text is
 * ours (`format` returns it), the bar area is erased before every redraw (MultiBar redraws only
 * bars whose text changed, so text printed above would otherwise be overwritten by stale bars),
 * and writes to stdout/stderr are routed through its log buffer.
 */
export class BarsPresenter implements ProgressPresenter {
  private readonly meter = new RateMeter();
  private readonly bars: SingleBar[] = [];
  private readonly partial = new Map<number, string>();
  private restore: (() => void)[] = [];
  private stopped = false;
  private readonly onExit = () => this.stop();

  constructor(
    private readonly root: ProgressTracker,
    private readonly options: CompiledProgressOptions,
    private readonly multibar: MultiBar,
    private readonly terminal: TerminalStream,
  ) {}

  /** Take over the terminal and draw the first frame. */
  start(): void {
    this.multibar.on("update-pre", () => this.syncRows(runningRows(this.root, this.options.levels, this.meter)));
    this.multibar.on("redraw-pre", () => this.terminal.write(CLEAR_DOWN));
    this.divertStdio();
    process.on("exit", this.onExit);
    this.syncRows(runningRows(this.root, this.options.levels, this.meter));
    this.multibar.update();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.off("exit", this.onExit);
    this.multibar.removeAllListeners("update-pre");
    const final: ProgressRow[] = this.options.levels.has(levelOf(this.root)) ? [rowOf(this.root, this.meter)] : [];
    this.syncRows(final);
    // Text still in MultiBar's buffer is printed by this last redraw.
    this.multibar.update();
    const internals = this.multibar as unknown as { options: { clearOnComplete: boolean } };
    internals.options.clearOnComplete = final.length === 0;
    this.multibar.stop();
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
    for (const [fd, text] of this.partial) if (text !== "") this.writeRaw(fd, text);
    this.partial.clear();
  }

  private syncRows(rows: ProgressRow[]): void {
    const width = Math.max(40, (this.terminal.columns ?? 80) - 1);
    const layout = { width, titleWidth: titleWidthOf(rows), ascii: false };
    while (this.bars.length < rows.length) this.bars.push(this.multibar.create(1, 0, { line: "" }));
    // Fewer rows than bars: the surplus is dropped from MultiBar's list (its remove() redraws
    // at once, which would recurse from here); the area is erased before each redraw anyway.
    if (this.bars.length > rows.length) {
      const list = (this.multibar as unknown as { bars: SingleBar[] }).bars;
      for (const bar of this.bars.splice(rows.length)) list.splice(list.indexOf(bar), 1);
    }
    rows.forEach((row, i) => this.bars[i]!.update({ line: formatRow(row, layout) }));
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

  // Whole lines go into MultiBar's buffer; a line still being written waits for its end.
  private above(fd: number, text: string): void {
    const pending = (this.partial.get(fd) ?? "") + text;
    const end = pending.lastIndexOf("\n");
    if (end < 0) {
      this.partial.set(fd, pending);
      return;
    }
    this.partial.set(fd, pending.slice(end + 1));
    this.multibar.log(pending.slice(0, end + 1));
  }

  private writeRaw(fd: number, text: string): void {
    (fd === 1 ? process.stdout : process.stderr).write(text);
  }
}

/** The stream MultiBar draws on: the terminal's own write, untouched by the diversion above. */
export function barsTerminal(stream: TerminalStream): TerminalStream {
  const write = stream.write.bind(stream);
  return {
    write,
    isTTY: true,
    get columns() {
      return stream.columns;
    },
  };
}
