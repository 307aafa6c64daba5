import type { SyslogEntry } from "./syslog-message.js";
import { SYSLOG_MAX_BUFFERED_LINES } from "./syslog-limits.js";
import type { SyslogSender, SyslogSenderOptions } from "./syslog-sender.js";

/**
 * A syslog sender whose module (and with it node:dgram, node:dns and node:net) is loaded in the
 * background: creating a logger stays synchronous and cheap on a worker's start-up path. Lines
 * sent before it is loaded wait, up to SYSLOG_MAX_BUFFERED_LINES (the newest are dropped beyond).
 */
export function deferredSyslogSender(options: SyslogSenderOptions): SyslogSender {
  let sender: SyslogSender | undefined;
  let early = 0;
  const pending: SyslogEntry[] = [];
  const ready = import("./syslog-sender.js").then(({ createSyslogSender }) => {
    sender = createSyslogSender(options);
    for (const entry of pending.splice(0)) sender.send(entry);
    return sender;
  });
  return {
    send(entry) {
      if (sender !== undefined) sender.send(entry);
      else if (pending.length < SYSLOG_MAX_BUFFERED_LINES) pending.push(entry);
      else early++;
    },
    async close(timeoutMs) {
      await (await ready).close(timeoutMs);
    },
    get dropped() {
      return early + (sender?.dropped ?? 0);
    },
  };
}
