// Small servers and free ports on 127.0.0.1 for the syslog tests (nothing else is ever contacted).
import { createSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";

/** A UDP or TCP port on 127.0.0.1 that nothing listens on (just bound by us and released). */
export async function closedPort(protocol: "udp" | "tcp"): Promise<number> {
  if (protocol === "tcp") {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** A UDP server collecting every datagram it gets. */
export interface UdpCollector {
  port: number;
  datagrams: Buffer[];
  close(): Promise<void>;
}

/** Listen for datagrams on a free loopback port. */
export async function udpCollector(): Promise<UdpCollector> {
  const socket = createSocket("udp4");
  const datagrams: Buffer[] = [];
  socket.on("message", (data) => datagrams.push(data));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, datagrams, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** A TCP server keeping each connection's bytes apart. */
export interface TcpCollector {
  port: number;
  /** One entry per accepted connection, in order, with everything it received so far. */
  connections: Array<{ socket: Socket; data: Buffer; ended: boolean }>;
  close(): Promise<void>;
}

/** Listen on a free loopback port; `stalled` accepts connections but never reads from them. */
export async function tcpCollector(options: { stalled?: boolean } = {}): Promise<TcpCollector> {
  const connections: TcpCollector["connections"] = [];
  const server: Server = createServer((socket) => {
    const connection = { socket, data: Buffer.alloc(0), ended: false };
    connections.push(connection);
    socket.on("error", () => {});
    socket.on("close", () => (connection.ended = true));
    if (options.stalled) {
      // Not reading lets the kernel buffers fill up, so that the sender's writes back up.
      socket.pause();
      return;
    }
    socket.on("data", (chunk: Buffer) => (connection.data = Buffer.concat([connection.data, chunk])));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: async () => {
      for (const c of connections) c.socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Poll `check` every 20 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
