import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from "node:fs";

/**
 * Append the first `length` bytes of `bytes` to the file open in append mode as `fd`, whole or
 * not at all: when the file system takes only part of them (a full disk takes what fits, then
 * refuses the rest), the part it took is cut off again, so the file never ends in a torn line.
 * Throws what the write threw (ENOSPC on a full disk).
 *
 * Cutting back is safe although other processes may append to the same file (the tasks of one
 * Airflow run): a short write means this write filled the disk, so another process's append
 * between it and the cut fails too, unless space was freed in those microseconds.
 */
export function appendWhole(fd: number, bytes: Uint8Array, length = bytes.length): void {
  let done = 0;
  try {
    while (done < length) {
      const wrote = writeSync(fd, bytes, done, length - done);
      if (wrote <= 0) throw Object.assign(new Error("ENOSPC: the file system took no more bytes, write"), { code: "ENOSPC" });
      done += wrote;
    }
  } catch (error) {
    if (done > 0) {
      try {
        ftruncateSync(fd, fstatSync(fd).size - done);
      } catch {
        // The cut failed too: the error below is still reported.
      }
    }
    throw error;
  }
}

/** `appendFileSync(file, text)`, whole or not at all (see {@link appendWhole}). */
export function appendWholeFile(file: string, text: string): void {
  const fd = openSync(file, "a");
  try {
    appendWhole(fd, Buffer.from(text, "utf8"));
  } finally {
    closeSync(fd);
  }
}
