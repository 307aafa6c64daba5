import { describe, expect, it } from "vitest";
import { deferredSyslogSender } from "../../../src/logging/deferred-syslog-sender.js";
import { SYSLOG_MAX_BUFFERED_LINES } from "../../../src/logging/syslog-limits.js";
import { parseRfc5424, splitOctetCounted } from "../../support/rfc5424.js";
import { tcpCollector, until } from "../../support/loopback.js";

describe("deferredSyslogSender", () => {
  it("sends lines given before its module loaded, in order, then the rest; counts what it had to drop", async () => {
    const collector = await tcpCollector();
    try {
      const sender = deferredSyslogSender({
        host: "127.0.0.1",
        port: collector.port,
        protocol: "tcp",
        facility: "user",
        appName: "wfkit",
        sdId: "wfkit@32473",
        hostname: "h",
        procId: "1",
        onTrouble: () => {},
      });
      const entry = (i: number) => ({ time: new Date(0), levelId: 3, logger: "T", message: `line ${i}`, fields: {} });
      // Synchronously, before the module can have loaded: the bound applies, the newest are dropped.
      for (let i = 0; i < SYSLOG_MAX_BUFFERED_LINES + 5; i++) sender.send(entry(i));
      expect(sender.dropped).toBe(5);
      const received = () => (collector.connections[0] ? splitOctetCounted(collector.connections[0].data, true) : []);
      // The next line goes once the kept ones have arrived, not after a fixed while: until its
      // module has loaded and its connection is up, the real sender holds the kept lines in a
      // buffer of the same bound, which one more line would overflow (dropping the oldest).
      await until(() => received().length >= SYSLOG_MAX_BUFFERED_LINES, "the lines kept before the module loaded", 20_000);
      sender.send(entry(-1));
      expect(sender.dropped).toBe(5);
      await sender.close(5000);
      await until(() => received().length >= SYSLOG_MAX_BUFFERED_LINES + 1, "every line kept");
      const got = received().map((m) => parseRfc5424(m).msg);
      expect(got).toEqual([...Array.from({ length: SYSLOG_MAX_BUFFERED_LINES }, (_, i) => `line ${i}`), "line -1"]);
    } finally {
      await collector.close();
    }
  });
});
