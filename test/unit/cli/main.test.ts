import { describe, expect, it } from "vitest";
import { main } from "../../../cli/program.js";
import type { CliIo } from "../../../cli/cli-io.js";

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), color: false, env, cwd: process.cwd() };
  return { cli, out: () => out.join(""), err: () => err.join("") };
}

describe("main (in process)", () => {
  it("returns 2 with usage for no command, an unknown option or a bad --format", async () => {
    const none = io();
    expect(await main([], none.cli)).toBe(2);
    expect(none.err()).toContain("Usage: wf");
    const unknown = io();
    expect(await main(["run", "examples/etl.ts", "--frobnicate"], unknown.cli)).toBe(2);
    expect(unknown.err()).toContain("unknown option '--frobnicate'");
    const format = io();
    expect(await main(["graph", "examples/etl.ts", "--format", "png"], format.cli)).toBe(2);
  });

  it("validate prints a tick per valid workflow and returns 0", async () => {
    const ok = io();
    expect(await main(["validate", "examples/etl.ts"], ok.cli)).toBe(0);
    expect(ok.out()).toBe("✔ csv_to_report_etl_orders_1.0.0 (examples/etl.ts)\n");
  });

  it("a bad WF_* value is a configuration error: exit 2 naming the variable", async () => {
    const bad = io({ WF_LOG_FORMAT: "xml" });
    expect(await main(["run", "examples/etl.ts"], bad.cli)).toBe(2);
    expect(bad.err()).toContain('WF_LOG_FORMAT="xml"');
  });
});
