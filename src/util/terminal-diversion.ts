/**
 * While live progress bars own the terminal, text for it must be written above the bars, not
 * through them. The bars presenter diverts the terminal's file descriptors here; writers that
 * bypass `process.stdout`/`process.stderr` (the logger's fd sink) ask before writing.
 */
type Divert = (text: string) => void;

const diverted = new Map<number, Divert>();

/** Send text for these file descriptors to `write` until the returned function is called. */
export function divertTerminal(fds: readonly number[], write: Divert): () => void {
  for (const fd of fds) diverted.set(fd, write);
  return () => {
    for (const fd of fds) if (diverted.get(fd) === write) diverted.delete(fd);
  };
}

/** Where text for `fd` goes instead of the descriptor, while it is diverted. */
export function diversionOf(fd: number): Divert | undefined {
  return diverted.size === 0 ? undefined : diverted.get(fd);
}
