// A real rsyslogd for the syslog integration tests: started in the foreground with a generated
// config in a temp dir, listening on 127.0.0.1 only (imudp and imtcp, nothing else), writing every
// message it parsed as one JSON object per line, stopped with SIGTERM.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { closedPort } from "./loopback.js";
import type { Rfc5424Header } from "./rfc5424.js";
import { afterAll, beforeAll } from "vitest";

/** One message as rsyslog parsed it (its RFC 5424 properties). */
export interface ReceivedSyslog extends Rfc5424Header {
  /** rsyslog's `timereported` in RFC 3339. */
  timestamp: string;
  /** rsyslog's `structured-data` property: the SD as received, `-` when none. */
  structuredData: string;
  msg: string;
  /** `imudp` or `imtcp`. */
  input: string;
}

/** A running rsyslogd. */
export interface Rsyslog {
  udpPort: number;
  tcpPort: number;
  /** Everything received so far, in the order rsyslog wrote it (its own readiness probes left out). */
  readMessages(): Promise<ReceivedSyslog[]>;
  /** Poll readMessages() until `predicate(messages)` holds; throws with rsyslog's output after `timeoutMs`. */
  waitFor(predicate: (messages: ReceivedSyslog[]) => boolean, timeoutMs?: number): Promise<ReceivedSyslog[]>;
  /** SIGTERM, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

/** Whether rsyslogd can be run here, and why not. */
export type RsyslogAvailability = { ok: true; bin: string; version: string } | { ok: false; reason: string };

const PROBE_MSGID = "wfkit-probe";

let found: RsyslogAvailability | undefined;

/**
 * Whether rsyslogd is installed (cheap, for describe.skipIf). Under CI=true a missing rsyslogd
 * throws, so that it fails the run instead of skipping (.ci/run installs it).
 */
export function rsyslogAvailability(): RsyslogAvailability {
  found ??= probe();
  if (!found.ok && process.env["CI"] === "true") throw new Error(`rsyslogd is required under CI=true: ${found.reason}`);
  return found;
}

function probe(): RsyslogAvailability {
  // /usr/sbin is not on every user's PATH.
  const dirs = [...(process.env["PATH"] ?? "").split(path.delimiter), "/usr/sbin", "/sbin"].filter(Boolean);
  const bin = dirs.map((d) => path.join(d, "rsyslogd")).find((f) => existsSync(f));
  if (!bin) return { ok: false, reason: "rsyslogd is not installed (Debian: apt-get install rsyslog)" };
  const v = spawnSync(bin, ["-v"], { encoding: "utf8", timeout: 10_000 });
  const version = /rsyslogd\s+(\S+)/.exec(v.stdout ?? "")?.[1];
  if (v.status !== 0 || !version) return { ok: false, reason: `${bin} -v failed: ${v.error?.message ?? v.stderr}` };
  return { ok: true, bin, version };
}

/** Start rsyslogd on free loopback ports; resolves once a probe has gone all the way to its output file. */
export async function startRsyslog(): Promise<Rsyslog> {
  const availability = rsyslogAvailability();
  if (!availability.ok) throw new Error(availability.reason);
  let lastError: unknown;
  // The free ports are picked before rsyslogd binds them, so another process may take one first.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(availability.bin);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnce(bin: string): Promise<Rsyslog> {
  const dir = await mkdtemp(path.join(tmpdir(), "wfkit-rsyslog-"));
  const [udpPort, tcpPort] = [await closedPort("udp"), await closedPort("tcp")];
  const out = path.join(dir, "messages.jsonl");
  const conf = path.join(dir, "rsyslog.conf");
  await writeFile(conf, config(dir, out, udpPort, tcpPort));
  const child = spawn(bin, ["-n", "-f", conf, "-i", path.join(dir, "rsyslogd.pid")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const readAll = async (): Promise<ReceivedSyslog[]> => {
    const text = await readFile(out, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => toReceived(JSON.parse(line) as Record<string, string>));
  };
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killed);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const describe = () => `rsyslogd (${bin}, config ${conf}) said:\n${output || "(nothing)"}`;

  try {
    await waitUntilReady(child, udpPort, tcpPort, readAll, describe);
  } catch (e) {
    await stop();
    throw e;
  }
  const readMessages = async () => (await readAll()).filter((m) => m.msgId !== PROBE_MSGID);
  return {
    udpPort,
    tcpPort,
    readMessages,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = await readMessages();
        if (predicate(messages)) return messages;
        if (Date.now() > deadline) {
          throw new Error(`rsyslog: condition not met after ${timeoutMs} ms; it has ${messages.length} messages:\n${JSON.stringify(messages, null, 1).slice(0, 4000)}\n${describe()}`);
        }
        await sleep(50);
      }
    },
    stop,
  };
}

/**
 * Only imudp and imtcp (no imuxsock/imklog: the machine's own logs stay out), on 127.0.0.1; one
 * ruleset writing each message as a JSON line, flushed at once. Control characters are kept as
 * they came (rsyslog turns them into `#012` by default) so the tests can compare exact text.
 */
function config(dir: string, out: string, udpPort: number, tcpPort: number): string {
  const props: Array<[string, string]> = [
    ["pri", "pri"],
    ["facility", "syslogfacility"],
    ["severity", "syslogseverity"],
    ["version", "protocol-version"],
    ["hostname", "hostname"],
    ["appName", "app-name"],
    ["procId", "procid"],
    ["msgId", "msgid"],
    ["structuredData", "structured-data"],
    ["msg", "msg"],
    ["input", "inputname"],
  ];
  return [
    `global(workDirectory="${dir}" maxMessageSize="64k" net.enableDNS="off" parser.escapeControlCharactersOnReceive="off")`,
    `module(load="imudp")`,
    `module(load="imtcp")`,
    `template(name="wfkitJson" type="list" option.jsonf="on") {`,
    `  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")`,
    ...props.map(([outname, name]) => `  property(outname="${outname}" name="${name}" format="jsonf")`),
    `}`,
    `ruleset(name="wfkit") {`,
    `  action(type="omfile" file="${out}" template="wfkitJson" flushOnTXEnd="on" asyncWriting="off")`,
    `}`,
    `input(type="imudp" address="127.0.0.1" port="${udpPort}" ruleset="wfkit")`,
    `input(type="imtcp" address="127.0.0.1" port="${tcpPort}" ruleset="wfkit")`,
    "",
  ].join("\n");
}

/** The TCP port accepts, then a probe sent over each protocol shows up in the output file. */
async function waitUntilReady(
  child: ChildProcess,
  udpPort: number,
  tcpPort: number,
  readAll: () => Promise<ReceivedSyslog[]>,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  const check = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`rsyslogd exited (${child.exitCode ?? child.signalCode}) while starting.\n${describe()}`);
    if (Date.now() > deadline) throw new Error(`rsyslogd was not ready on 127.0.0.1 udp ${udpPort} / tcp ${tcpPort} within 15 s.\n${describe()}`);
  };
  while (!(await tcpAccepts(tcpPort))) {
    check();
    await sleep(50);
  }
  const probe = (via: string) => `<13>1 - - - - ${PROBE_MSGID} - ${via}`;
  const tcpProbe = Buffer.from(probe("tcp"));
  await new Promise<void>((resolve, reject) => {
    const socket = connect(tcpPort, "127.0.0.1", () => socket.end(`${tcpProbe.length} ${tcpProbe}`, () => resolve()));
    socket.on("error", reject);
  });
  const udp = createSocket("udp4");
  try {
    for (;;) {
      // Repeated: a datagram sent before imudp is bound is lost.
      await new Promise<void>((resolve) => udp.send(probe("udp"), udpPort, "127.0.0.1", () => resolve()));
      await sleep(100);
      const probes = (await readAll()).filter((m) => m.msgId === PROBE_MSGID).map((m) => m.msg);
      if (probes.includes("tcp") && probes.includes("udp")) return;
      check();
    }
  } finally {
    udp.close();
  }
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

function toReceived(raw: Record<string, string>): ReceivedSyslog {
  return {
    pri: Number(raw["pri"]),
    facility: Number(raw["facility"]),
    severity: Number(raw["severity"]),
    version: Number(raw["version"]),
    timestamp: raw["timestamp"] ?? "",
    hostname: raw["hostname"] ?? "",
    appName: raw["appName"] ?? "",
    procId: raw["procId"] ?? "",
    msgId: raw["msgId"] ?? "",
    structuredData: raw["structuredData"] ?? "",
    msg: raw["msg"] ?? "",
    input: raw["input"] ?? "",
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Start one rsyslogd for the enclosing `describe` (stopped after it); call the result in tests. */
export function useRsyslog(): () => Rsyslog {
  let rsyslog: Rsyslog | undefined;
  beforeAll(async () => {
    rsyslog = await startRsyslog();
  });
  afterAll(() => rsyslog?.stop());
  return () => {
    if (rsyslog === undefined) throw new Error("rsyslogd did not start (see beforeAll)");
    return rsyslog;
  };
}
