import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunDirError, RunInUseError } from "wfkit/engine";
import { lockRun, RUN_LOCK_FILE } from "../../../src/run/run-lock.js";

const dirs: string[] = [];
function runDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-lock-"));
  dirs.push(dir);
  return dir;
}
const holder = (pid: number, host = hostname()) => `${JSON.stringify({ pid, host, since: "2026-12-03T10:00:00.000Z" })}\n`;

describe("lockRun", () => {
  const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  afterAll(() => void live.kill());

  it("takes a free lock, names this process in it, and releases it", () => {
    const dir = runDir();
    const release = lockRun(dir, "r1");
    expect(JSON.parse(readFileSync(path.join(dir, RUN_LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    release();
    expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(false);
    release();
  });

  it("refuses a lock that a live process on this host holds, naming it, and leaves that lock alone", () => {
    const dir = runDir();
    writeFileSync(path.join(dir, RUN_LOCK_FILE), holder(live.pid!));
    expect(() => lockRun(dir, "r1")).toThrow(RunInUseError);
    expect(() => lockRun(dir, "r1")).toThrow(`run r1 is in use by process ${live.pid} (since 2026-12-03T10:00:00.000Z); give this run another --run-id, or wait until that run ends`);
    expect(readFileSync(path.join(dir, RUN_LOCK_FILE), "utf8")).toBe(holder(live.pid!));
  });

  it("refuses a lock held on another host, saying how to clear it if that run is gone", () => {
    const dir = runDir();
    writeFileSync(path.join(dir, RUN_LOCK_FILE), holder(1, "elsewhere"));
    expect(() => lockRun(dir, "r1")).toThrow(`run r1 is in use by process 1 on elsewhere (since 2026-12-03T10:00:00.000Z); give this run another --run-id, or wait until that run ends (if it is no longer running, delete ${path.join(dir, RUN_LOCK_FILE)})`);
  });

  it("takes over a stale lock (its process is gone) and a torn one", () => {
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(gone.stdout.trim());
    for (const content of [holder(deadPid), '{"pid": 12']) {
      const dir = runDir();
      writeFileSync(path.join(dir, RUN_LOCK_FILE), content);
      const release = lockRun(dir, "r1");
      expect(JSON.parse(readFileSync(path.join(dir, RUN_LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
      release();
    }
  });

  it("lets this process take its own lock again (a notebook's set-up cell run twice)", () => {
    const dir = runDir();
    lockRun(dir, "r1");
    const again = lockRun(dir, "r1");
    again();
    expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(false);
  });

  it("reports a folder it cannot write as a RunDirError naming the lock and WF_HOME", () => {
    expect(() => lockRun(path.join(runDir(), "missing"), "r1")).toThrow(RunDirError);
    expect(() => lockRun(path.join(runDir(), "missing"), "r1")).toThrow(/cannot write the run's lock .*\.run\.lock: .*\(set WF_HOME to a writable folder\)/);
  });
});
