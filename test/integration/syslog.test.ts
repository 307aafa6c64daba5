// wfkit's syslog sender against a real rsyslogd (started by the test, loopback only): rsyslog's own
// RFC 5424 parser must see the severity, facility, header fields, every structured-data param
// (hostile ones too) and the message exactly as sent, over UDP and over TCP. Plus dead ports.
import { describe, expect, it } from "vitest";
import { formatRfc5424, type SyslogEntry, type SyslogMessageOptions } from "../../src/logging/syslog-message.js";
import { createSyslogSender } from "../../src/logging/syslog-sender.js";
import { closedPort } from "../support/loopback.js";
import { parseStructuredData } from "../support/rfc5424.js";
import { rsyslogAvailability, useRsyslog, type ReceivedSyslog } from "../support/rsyslog.js";

const found = rsyslogAvailability();
const title = found.ok ? `syslog to a real rsyslog ${found.version}` : `syslog to a real rsyslog (skipped: ${found.reason.split("\n")[0]})`;

const MESSAGE_OPTIONS: SyslogMessageOptions = { facility: "local4", appName: "wfkit", sdId: "wfkit@32473", hostname: "wfkit-test", procId: String(process.pid) };
const SEVERITIES = [7, 7, 7, 6, 4, 3, 2];
const HOSTILE = ['"', "\\", "]", '] [x@1 a="b"', "two\nlines\r\n", "ünï €😀", "", "-", "end\\", "x".repeat(2000)];

/** One entry per level, then one per hostile value, all tagged with their index. */
function entries(logger: string): SyslogEntry[] {
  const base = { workflow: "csv_to_report", version: "1.0.0", dag_id: "csv_to_report_1.0.0", task: "Extract", run_id: "20261122T040350Z-6c5456", attempt: 1 };
  const out: SyslogEntry[] = [];
  for (let levelId = 0; levelId <= 6; levelId++) {
    out.push({ time: new Date(Date.UTC(2026, 10, 22, 4, 3, 50, levelId)), levelId, logger, message: `level ${levelId}`, fields: { ...base, i: out.length } });
  }
  for (const value of HOSTILE) {
    const fields = { ...base, task: value, "weird name=\"]": value, i: out.length };
    out.push({ time: new Date(), levelId: 3, logger, message: `hostile ${JSON.stringify(value)}\nsecond line ]"\\`, fields });
  }
  return out;
}

/** What a received message must equal: the sent entry through our formatter, as rsyslog's properties. */
function expectParsedAsSent(got: ReceivedSyslog, sent: SyslogEntry, input: string): void {
  const severity = SEVERITIES[sent.levelId]!;
  expect(got).toMatchObject({ pri: 20 * 8 + severity, facility: 20, severity, version: 1, hostname: "wfkit-test", appName: "wfkit", procId: String(process.pid), msgId: sent.logger, msg: sent.message, input });
  expect(Date.parse(got.timestamp)).toBe(sent.time.getTime());
  const params = Object.entries(sent.fields).map(([k, v]) => [k === 'weird name="]' ? "weird_name___" : k, String(v)]);
  expect(parseStructuredData(got.structuredData)).toEqual([{ id: "wfkit@32473", params }]);
}

describe.skipIf(!found.ok)(title, () => {
  const server = useRsyslog();

  for (const protocol of ["udp", "tcp"] as const) {
    it(`${protocol}: rsyslog parses severity, facility, header, every structured-data param and the message as sent`, async () => {
      const logger = `wfkit.test.${protocol}`;
      const troubles: string[] = [];
      const port = protocol === "udp" ? server().udpPort : server().tcpPort;
      const sender = createSyslogSender({ ...MESSAGE_OPTIONS, host: "127.0.0.1", port, protocol, onTrouble: (m) => troubles.push(m) });
      const sent = entries(logger);
      for (const e of sent) sender.send(e);
      await sender.close(5000);
      expect([sender.dropped, troubles]).toEqual([0, []]);
      const mine = (all: ReceivedSyslog[]) => all.filter((m) => m.msgId === logger);
      const got = mine(await server().waitFor((all) => mine(all).length >= sent.length));
      expect(got).toHaveLength(sent.length);
      // TCP keeps the order; UDP datagrams are matched by their index.
      const index = (m: ReceivedSyslog) => Number(parseStructuredData(m.structuredData)[0]!.params.find(([k]) => k === "i")![1]);
      if (protocol === "tcp") expect(got.map(index)).toEqual(sent.map((_, i) => i));
      for (const m of got) expectParsedAsSent(m, sent[index(m)]!, protocol === "udp" ? "imudp" : "imtcp");
    });
  }

  it("tcp: a line with a 20 KB message arrives whole (octet counting, no truncation over TCP)", async () => {
    const sender = createSyslogSender({ ...MESSAGE_OPTIONS, host: "127.0.0.1", port: server().tcpPort, protocol: "tcp", onTrouble: () => {} });
    const message = "ü".repeat(10_000);
    sender.send({ time: new Date(), levelId: 5, logger: "wfkit.test.big", message, fields: { run_id: "big" } });
    await sender.close(5000);
    const [got] = (await server().waitFor((all) => all.some((m) => m.msgId === "wfkit.test.big"))).filter((m) => m.msgId === "wfkit.test.big");
    expect(got!.msg).toBe(message);
    expect(Buffer.byteLength(formatRfc5424({ time: new Date(), levelId: 5, logger: "l", message, fields: {} }, MESSAGE_OPTIONS))).toBeGreaterThan(20_000);
  });
});

describe("syslog to a dead loopback port", () => {
  for (const protocol of ["udp", "tcp"] as const) {
    it(`${protocol}: sending never waits, close() is prompt, the trouble is told once`, async () => {
      const port = await closedPort(protocol);
      const troubles: string[] = [];
      const sender = createSyslogSender({ ...MESSAGE_OPTIONS, host: "127.0.0.1", port, protocol, onTrouble: (m) => troubles.push(m) });
      const started = performance.now();
      for (let batch = 0; batch < 20; batch++) {
        for (const e of entries(`wfkit.test.dead.${protocol}`)) sender.send(e);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await sender.close(200);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(troubles).toEqual([expect.stringContaining(`syslog ${protocol}://127.0.0.1:${port}: `)]);
      expect(troubles[0]).toContain("ECONNREFUSED");
      expect(sender.dropped).toBeGreaterThan(0);
    });
  }
});
