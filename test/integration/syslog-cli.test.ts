// `wf run` with WF_SYSLOG_ENABLED: every log line of a real run reaches a real rsyslogd (UDP and
// TCP) with the task's bound fields as structured data; a dead syslog server costs a task nothing.
import { describe, expect, it } from "vitest";
import { closedPort, tcpCollector } from "../support/loopback.js";
import { parseStructuredData } from "../support/rfc5424.js";
import { rsyslogAvailability, useRsyslog, type ReceivedSyslog } from "../support/rsyslog.js";
import { wf } from "../support/wf-cli.js";

const found = rsyslogAvailability();
const title = found.ok ? `wf run with syslog to a real rsyslog ${found.version}` : `wf run with syslog (skipped: ${found.reason.split("\n")[0]})`;

interface RunJson {
  runId: string;
  tasks: { task: string; status: string; durationMs?: number; attempts: { durationMs: number }[] }[];
}

describe.skipIf(!found.ok)(title, () => {
  const server = useRsyslog();

  for (const protocol of ["udp", "tcp"] as const) {
    it(`${protocol}: every line of the run arrives as RFC 5424 with workflow, task and run id as structured data`, async () => {
      const out = await wf(["run", "examples/etl.ts", "--json"], {
        WF_SYSLOG_ENABLED: "true",
        WF_SYSLOG_HOST: "127.0.0.1",
        WF_SYSLOG_PORT: String(protocol === "udp" ? server().udpPort : server().tcpPort),
        WF_SYSLOG_PROTOCOL: protocol,
        WF_SYSLOG_FACILITY: "local3",
      });
      expect(out.code, out.stderr).toBe(0);
      const runId = (JSON.parse(out.stdout) as RunJson).runId;
      const ofRun = (all: ReceivedSyslog[]) => all.filter((m) => m.structuredData.includes(`run_id="${runId}"`));
      const got = ofRun(await server().waitFor((all) => ofRun(all).length >= 3));
      expect(got.map((m) => [m.msgId, m.msg, m.facility, m.severity, m.appName, m.input])).toEqual([
        ["Extract", "extracted 6 orders", 19, 6, "wfkit", protocol === "udp" ? "imudp" : "imtcp"],
        ["Transform", "kept 4 of 6 orders", 19, 6, "wfkit", protocol === "udp" ? "imudp" : "imtcp"],
        ["Load", "loaded 2 customers into report.csv", 19, 6, "wfkit", protocol === "udp" ? "imudp" : "imtcp"],
      ]);
      expect(parseStructuredData(got[1]!.structuredData)).toEqual([
        {
          id: "wfkit@32473",
          params: [
            ["workflow", "csv_to_report_etl_orders"],
            ["version", "1.0.0"],
            ["dag_id", "csv_to_report_etl_orders_1.0.0"],
            ["task", "Transform"],
            ["run_id", runId],
            ["attempt", "1"],
            ["currency", "EUR"],
            ["min_amount", "0"],
          ],
        },
      ]);
    });
  }
});

describe("wf run with a dead syslog server", () => {
  const cases: [string, () => Promise<{ port: number; protocol: "udp" | "tcp"; close?: () => Promise<void> }>][] = [
    ["tcp, port closed", async () => ({ port: await closedPort("tcp"), protocol: "tcp" })],
    ["udp, port closed", async () => ({ port: await closedPort("udp"), protocol: "udp" })],
    [
      "tcp, a server that accepts and never reads",
      async () => {
        const stalled = await tcpCollector({ stalled: true });
        return { port: stalled.port, protocol: "tcp", close: () => stalled.close() };
      },
    ],
  ];
  for (const [name, dead] of cases) {
    it(`${name}: the run succeeds, says so once, and no task waits for syslog`, async () => {
      const server = await dead();
      try {
        const started = Date.now();
        const out = await wf(["run", "examples/etl.ts", "--json"], {
          WF_SYSLOG_ENABLED: "true",
          WF_SYSLOG_HOST: "127.0.0.1",
          WF_SYSLOG_PORT: String(server.port),
          WF_SYSLOG_PROTOCOL: server.protocol,
        });
        const elapsed = Date.now() - started;
        expect(out.code, out.stderr).toBe(0);
        const result = JSON.parse(out.stdout) as RunJson;
        expect(result.tasks.map((t) => t.status)).toEqual(["success", "success", "success"]);
        // Bounds far above a task's real time and far below the sender's 10 s connect timeout:
        // a task that waited for syslog would blow them, a busy machine would not.
        for (const task of result.tasks) expect(task.attempts[0]!.durationMs).toBeLessThan(2000);
        expect(elapsed).toBeLessThan(9000);
        const warnings = out.stderr.split("\n").filter((l) => l.includes('"logger":"wfkit.syslog"'));
        if (server.protocol === "tcp" && name.includes("closed")) expect(warnings).toHaveLength(1);
        else expect(warnings.length).toBeLessThanOrEqual(1);
        for (const w of warnings) expect(JSON.parse(w)).toMatchObject({ level: "warn", message: expect.stringContaining(`127.0.0.1:${server.port}`) });
      } finally {
        await server.close?.();
      }
    });
  }
});
