import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger } from "wfkit/engine";
import { fileSink } from "../../../src/logging/line-sink.js";

const logger = fileURLToPath(new URL("../../../src/logging/logger.ts", import.meta.url));

describe("line sinks", () => {
  it("a file destination gets every line, in order, once flushed", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "wfkit-sink-")), "out.log");
    const root = createLogger({ format: "json", destination: { file } });
    for (let i = 0; i < 5000; i++) root.info("row", { i });
    root.flush();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(5000);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(5000).keys()]);
    await root.close();
  });

  it("closing a root logger closes the file it opened", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-sink-"));
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    for (let i = 0; i < 10; i++) {
      const root = createLogger({ destination: { file: path.join(dir, `${i}.log`) } });
      root.info("x");
      await root.close();
      root.info("after close: dropped, not thrown");
    }
    expect(fds()).toBe(before);
    expect(readFileSync(path.join(dir, "9.log"), "utf8").trimEnd().split("\n")).toHaveLength(1);
  });

  it("lines buffered when the process exits are written, not lost", () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(logger)});
      const root = createLogger({ format: "json", destination: "stdout", sync: false });
      for (let i = 0; i < 3; i++) root.info("before exit", { i });
      process.exit(0);
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(out.trimEnd().split("\n").map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2]);
  });

  it("a reader that goes away (EPIPE) does not fail the process", () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(logger)});
      const root = createLogger({ format: "json", destination: "stdout", sync: true });
      for (let i = 0; i < 20000; i++) root.info("line", { i });
      process.stderr.write("still alive");
    `;
    const run = spawnSync("bash", ["-c", `set -o pipefail; ${JSON.stringify(process.execPath)} --import tsx --input-type=module -e '${script.replace(/'/g, "'\\''")}' | head -c 100 >/dev/null`], {
      encoding: "utf8",
    });
    expect(run.stderr).toContain("still alive");
    expect(run.status).toBe(0);
  });
});

describe.runIf(existsSync("/dev/full"))("a file sink on a full disk (/dev/full: every write fails with ENOSPC)", () => {
  it("hears the first failed write once, then writes nothing more, and never throws", () => {
    const errors: unknown[] = [];
    const sink = fileSink("/dev/full", false, (error) => errors.push(error));
    for (let i = 0; i < 100; i++) {
      expect(() => sink.writeLine(`line ${i}`)).not.toThrow();
      if (i % 10 === 0) expect(() => sink.flush()).not.toThrow();
    }
    expect(() => sink.close()).not.toThrow();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe("ENOSPC");
  });
});
