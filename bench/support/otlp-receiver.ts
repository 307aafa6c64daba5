/**
 * A stand-in OTLP/HTTP receiver for bench/telemetry.ts, run as a child process of its own (so
 * that it never takes the event loop of a measured process, and keeps answering while the parent
 * blocks in spawnSync): a node:http server on 127.0.0.1 (a free port) that reads every request
 * body, answers 200 with an empty body to POST /v1/traces and /v1/metrics (404 to anything else)
 * and counts requests and body bytes per path. It decodes nothing: what it costs the sender is
 * the sending, not a collector's processing.
 *
 * Over IPC:
 *   it sends      { port }                         once, when it listens
 *   request       { id, op: "stats" | "close" }
 *   reply         { id, stats: ReceiverStats }     (counts since it started; `close` then exits)
 */
import { createServer } from "node:http";

/** Requests and body bytes received, per path. */
export interface ReceiverStats {
  traces: { requests: number; bytes: number };
  metrics: { requests: number; bytes: number };
  /** Requests to other paths or methods (answered 404). */
  other: number;
}

export type ReceiverRequest = { id: number; op: "stats" | "close" };
export type ReceiverMessage = { port: number } | { id: number; stats: ReceiverStats };

const stats: ReceiverStats = { traces: { requests: 0, bytes: 0 }, metrics: { requests: 0, bytes: 0 }, other: 0 };

const server = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (chunk: Buffer) => (bytes += chunk.length));
  req.on("end", () => {
    const signal = req.method === "POST" && req.url === "/v1/traces" ? stats.traces : req.method === "POST" && req.url === "/v1/metrics" ? stats.metrics : undefined;
    if (signal === undefined) {
      stats.other++;
      res.writeHead(404).end();
      return;
    }
    signal.requests++;
    signal.bytes += bytes;
    // An empty body is a valid (full success) OTLP/HTTP response.
    res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/x-protobuf", "content-length": "0" }).end();
  });
});
// Keep-alive sockets of the exporters: as a collector would.
server.keepAliveTimeout = 60_000;

const send = (message: ReceiverMessage) => process.send!(message);

process.on("message", (request: ReceiverRequest) => {
  send({ id: request.id, stats: structuredClone(stats) });
  if (request.op === "close") {
    server.closeAllConnections();
    server.close();
    process.disconnect();
  }
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the receiver has no port");
  send({ port: address.port });
});
