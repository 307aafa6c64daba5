import net from "node:net";

/**
 * A TCP proxy the test controls, between a client and a real server: `cut()` drops every
 * connection and refuses new ones (as a broker that went away would), `restore()` lets them
 * through again; `freeze()` keeps every connection open and passes nothing either way (a broker
 * stopped with SIGSTOP), `drop()` keeps reading both sides and throws the bytes away (a link
 * that loses everything); `thaw()` ends either.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private up = true;
  private mode: "pass" | "freeze" | "drop" = "pass";
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {});
      }
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on("data", (chunk: Buffer) => {
          if (this.mode === "pass") to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Drop every connection now and refuse new ones until `restore()`. */
  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  /** Pass nothing either way, keeping the connections open and unread (the kernel's buffers fill). */
  freeze(): void {
    this.mode = "freeze";
    for (const s of this.sockets) s.pause();
  }

  /** Read both sides and throw the bytes away, keeping the connections open. */
  drop(): void {
    this.mode = "drop";
    for (const s of this.sockets) s.resume();
  }

  /** Pass bytes again (what was dropped stays lost). */
  thaw(): void {
    this.mode = "pass";
    for (const s of this.sockets) s.resume();
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
