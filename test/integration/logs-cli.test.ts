import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot, wf } from "../support/wf-cli.js";
import { stripAnsi, terminalAvailability, wfInTerminal } from "../support/terminal.js";

const terminal = terminalAvailability();
if (!terminal.ok && process.env["CI"] === "true") throw new Error(`CI needs a pseudo-terminal for the log tests: ${terminal.reason}`);
const title = terminal.ok ? "wf run in a terminal" : `wf run in a terminal (skipped: ${terminal.reason})`;

const fixture = path.join(repoRoot, "test/fixtures/workflows/failing.ts");
const throwsLine = readFileSync(fixture, "utf8").split("\n").findIndex((l) => l.includes("// THROWS")) + 1;
const frame = `failing.ts:${throwsLine}:`;
const count = (text: string, part: string) => text.split(part).length - 1;
// These tests read the log output line by line; live progress bars (tested in progress-cli)
// would add their frames to what the terminal received.
const home = () => mkdtempSync(path.join(tmpdir(), "wfkit-logs-"));
const noBars = { WF_PROGRESS: "off" };

describe.skipIf(!terminal.ok)(title, () => {
  it("a successful run prints the user's own lines and the summary, nothing else", async () => {
    const { code, output } = await wfInTerminal(["run", "examples/etl.ts"], { ...noBars, WF_HOME: home() });
    expect(code).toBe(0);
    const lines = stripAnsi(output).trimEnd().split("\n");
    expect(lines).toHaveLength(8);
    expect(lines.slice(0, 3).map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ""))).toEqual([
      "INFO  Extract extracted 6 orders file=orders.csv",
      "INFO  Transform kept 4 of 6 orders currency=EUR min_amount=0",
      "INFO  Load loaded 2 customers into report.csv",
    ]);
    expect(lines[3]).toMatch(/^✔ csv_to_report_etl_orders_1\.0\.0 {2}success {2}3 tasks in /);
    expect(lines[7]).toMatch(/^ {2}run dir: /);
    expect(output).toContain("\u001b[");
  });

  it("--debug (or WF_LOG_LEVEL=debug) adds wfkit's own lines, with the configuration masked", async () => {
    const secret = "hunter2";
    const { code, output } = await wfInTerminal(["run", "examples/etl.ts", "--debug"], {
      ...noBars,
      WF_HOME: home(),
      // Not a meaningful host (syslog is off): a value with URL credentials in the dump.
      WF_SYSLOG_HOST: `amqp://guest:${secret}@mq`,
    });
    expect(code).toBe(0);
    const text = stripAnsi(output);
    expect(text).toMatch(/DEBUG wfkit\.config configuration .*WF_LOG_LEVEL=info/);
    expect(text).toContain("DEBUG wfkit.engine.local run started");
    expect(text).toContain("DEBUG wfkit.task task started");
    expect(text).toContain("WF_SYSLOG_HOST=amqp://guest:[masked]@mq");
    expect(text).not.toContain(secret);
  });

  it("a failing task: a short report with workflow, task, root cause, the user's file:line and the run log; no stack on the console", async () => {
    const { code, output } = await wfInTerminal(["run", fixture], { ...noBars, WF_HOME: home() });
    expect(code).toBe(1);
    const text = stripAnsi(output);
    expect(text).toContain("✖ Load failed · tests_failing_1.0.0 · attempt 1");
    expect(text).toContain("Error: could not load the report into the warehouse");
    expect(text).toContain("root cause: DriverError: connect ECONNREFUSED 127.0.0.1:5999");
    expect(text).toContain(`at test/fixtures/workflows/failing.ts:${throwsLine} in Load.run`);
    expect(text).toMatch(/[╭╰│]/);
    expect(count(text, frame)).toBe(0);
    const runLog = /full log and stack:\s+(\S+run\.log)/.exec(text.replace(/│/g, " "))![1]!;
    const file = path.resolve(repoRoot, runLog);
    expect(existsSync(file)).toBe(true);
    const log = readFileSync(file, "utf8");
    expect(count(log, frame)).toBe(1);
    expect(log).toContain("[cause]: DriverError: connect ECONNREFUSED 127.0.0.1:5999");
  });

  it("examples/flaky.ts: the retry is one line, the failure the short report, then the summary", async () => {
    const { code, output } = await wfInTerminal(["run", "examples/flaky.ts"], { ...noBars, WF_HOME: home(), WF_RETRY_DELAY_SECONDS: "0", WF_LOG_EXCEPTION_FORMATTER: "plain" });
    expect(code).toBe(1);
    const text = stripAnsi(output);
    expect(text).toMatch(/WARN {2}Flaky attempt 1 failed, retrying in 0 s: Error: connection reset by peer \(transient\) thrown_at=examples\/flaky\.ts:\d+/);
    expect(text).toMatch(/✖ AlwaysFails failed · flaky_demo_dev · attempt 1\n {2}ExportError: the export target rejected the file: quota exceeded\n {2}at examples\/flaky\.ts:\d+ in AlwaysFails\.run\n {2}user error: .*\n {2}full log and stack: \S+run\.log\n/);
    expect(text).not.toMatch(/\n\s+at .*\(.*flaky\.ts:\d+:\d+\)/);
  });
});

describe("wf run off a terminal", () => {
  it("WF_LOG_FORMAT=json prints only JSON lines, the summary included", async () => {
    const out = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "json" });
    expect(out.code).toBe(0);
    const lines = `${out.stdout}${out.stderr}`.split("\n").filter((l) => l !== "");
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => l["logger"])).toEqual(["Extract", "Transform", "Load", "wfkit.run"]);
    expect(parsed.at(-1)).toMatchObject({ level: "info", status: "success", tasks: { success: 3 } });
  });

  it("a failing task's full error goes to stderr once, inside its JSON line", async () => {
    const out = await wf(["run", fixture], { WF_LOG_FORMAT: "json" });
    expect(out.code).toBe(1);
    const text = `${out.stdout}${out.stderr}`;
    expect(count(text, frame)).toBe(1);
    const failure = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l["logger"] === "Load")!;
    expect(failure).toMatchObject({ level: "error", root_cause: "DriverError: connect ECONNREFUSED 127.0.0.1:5999", thrown_at: `test/fixtures/workflows/failing.ts:${throwsLine}`, resolvable_by: "external" });
    expect(existsSync(String(failure["run_log"]))).toBe(true);
  });

  it("logfmt and ltsv: the summary is a line of the format too", async () => {
    const logfmt = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "logfmt" });
    expect(logfmt.stderr.trimEnd().split("\n").at(-1)).toMatch(/^timestamp=\S+ level=info logger=wfkit\.run message="run success: 3 tasks of csv_to_report_etl_orders_1\.0\.0" status=success /);
    const ltsv = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "ltsv", WF_LOG_METADATA: "level,logger,task,message" });
    expect(ltsv.stderr.trimEnd().split("\n")).toEqual([
      "level:info\tlogger:Extract\ttask:Extract\tmessage:extracted 6 orders",
      "level:info\tlogger:Transform\ttask:Transform\tmessage:kept 4 of 6 orders",
      "level:info\tlogger:Load\ttask:Load\tmessage:loaded 2 customers into report.csv",
      "level:info\tlogger:wfkit.run\tmessage:run success: 3 tasks of csv_to_report_etl_orders_1.0.0",
    ]);
  });

  it("file, line and function point at the user's TypeScript line: through tsx, and through a compiled file's source map", async () => {
    const metadata = { WF_LOG_FORMAT: "logfmt", WF_LOG_METADATA: "file,line,function,message" };
    const etl = await wf(["run", "examples/etl.ts"], metadata);
    const etlSource = readFileSync(path.join(repoRoot, "examples/etl.ts"), "utf8").split("\n");
    const extractLine = etlSource.findIndex((l) => l.includes("this.logger.info(`extracted")) + 1;
    expect(etl.stderr.split("\n")[0]).toBe(`file=examples/etl.ts line=${extractLine} function=Extract.run message="extracted 6 orders"`);
    // wfkit's own lines have no user position
    expect(etl.stderr.trimEnd().split("\n").at(-1)).toBe('message="run success: 3 tasks of csv_to_report_etl_orders_1.0.0"');

    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-sourcemap-"));
    mkdirSync(path.join(dir, "node_modules"));
    symlinkSync(repoRoot, path.join(dir, "node_modules", "wfkit"));
    writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
    const source = [
      'import { TaskBase, Workflow } from "wfkit";',
      "// Types vanish from the compiled file, so its lines are not the source's.",
      "interface Greeting {",
      "  n: number;",
      "}",
      "export class Hello extends TaskBase {",
      "  run(): void {",
      "    const n: Greeting[\"n\"] = 2;",
      '    this.logger.info("hello from compiled code", { n });',
      "  }",
      "}",
      'export const hello = new Workflow({ category: "smap", detail: "demo", version: "1.0.0" });',
      "hello.addNode(Hello);",
    ].join("\n");
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src", "hello.ts"), source);
    const compiled = ts.transpileModule(source, {
      fileName: "hello.ts",
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, removeComments: true },
    });
    mkdirSync(path.join(dir, "out"));
    const map = JSON.parse(compiled.sourceMapText!) as { sources: string[] };
    map.sources = ["../src/hello.ts"];
    writeFileSync(path.join(dir, "out", "hello.js"), compiled.outputText);
    writeFileSync(path.join(dir, "out", "hello.js.map"), JSON.stringify(map));
    const out = await wf(["run", path.join(dir, "out", "hello.js")], metadata);
    expect(out.code, out.stderr).toBe(0);
    const jsLine = compiled.outputText.split("\n").findIndex((l) => l.includes("this.logger.info")) + 1;
    expect(jsLine).not.toBe(9);
    expect(out.stderr.split("\n")[0]).toMatch(/^file=\S*src\/hello\.ts line=9 function=Hello\.run message="hello from compiled code"$/);
  });

  it("WF_LOG_LEVEL_MODULE filters per logger, prefixes included", async () => {
    const out = await wf(["run", "examples/etl.ts"], { WF_LOG_LEVEL: "debug", WF_LOG_LEVEL_MODULE: "wfkit=info;wfkit.engine.local=debug;Transform=warn" });
    const loggers = out.stderr.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { logger: string }).logger);
    expect(loggers).toContain("wfkit.engine.local");
    expect(loggers).not.toContain("wfkit.task");
    expect(loggers).not.toContain("wfkit.config");
    expect(loggers).not.toContain("Transform");
    expect(loggers).toContain("Extract");
  });

  it("a bad WF_LOG_* value: every problem at once, exit 2", async () => {
    const out = await wf(["run", "examples/etl.ts"], { WF_LOG_FORMAT: "xml", WF_LOG_LEVEL_MODULE: "wfkit=loud", WF_SYSLOG_PORT: "0" });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("3 problems");
    for (const v of ["WF_LOG_FORMAT", "WF_LOG_LEVEL_MODULE", "WF_SYSLOG_PORT"]) expect(out.stderr).toContain(v);
  });
});
