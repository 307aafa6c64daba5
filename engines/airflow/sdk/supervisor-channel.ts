import { Socket } from "node:net";
import { AirflowSdkProtocolError, AirflowSdkRequestError } from "../errors.js";
import { encodeRequest, FrameReader, type Frame } from "./frames.js";

/** `host:port` as the coordinator passes it (`--comm=127.0.0.1:40123`); the port after the last colon. */
export function parseAddress(address: string, flag: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AirflowSdkProtocolError(`${flag} ${JSON.stringify(address)}: expected host:port, as Airflow's coordinator passes it`);
  }
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, "$1"), port };
}

/** Connect a TCP socket (no Nagle delay: frames are small and each waits for its answer). */
export function connectSocket(address: string, flag: string): Promise<Socket> {
  const { host, port } = parseAddress(address, flag);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once("error", (error) => reject(new AirflowSdkProtocolError(`cannot connect ${flag} ${address}: ${error.message}`, { cause: error })));
    socket.connect(port, host, () => {
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** End a socket once what was written has gone out; an end the peer never acknowledges does not keep the process alive past 2 s. */
export function endSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.end(() => resolve());
    setTimeout(() => {
      socket.destroy();
      resolve();
    }, 2000).unref();
  });
}

/**
 * The comm channel to Airflow's supervisor: its first frame (StartupDetails, which the
 * supervisor sends unasked), then requests of ours, each answered by a response frame with the
 * request's id — the supervisor answers every request, terminal state messages included, so
 * waiting for the answer is how a sender knows it was handled.
 */
export class SupervisorChannel {
  readonly #socket: Socket;
  readonly #reader = new FrameReader();
  readonly #pending = new Map<number, { resolve: (frame: Frame) => void; reject: (error: Error) => void; type: string }>();
  #nextId = 0;
  #closed: Error | undefined;
  #first: Promise<Frame>;
  #resolveFirst!: (frame: Frame) => void;
  #rejectFirst!: (error: Error) => void;
  #firstSeen = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.#first = new Promise((resolve, reject) => {
      this.#resolveFirst = resolve;
      this.#rejectFirst = reject;
    });
    // A rejection nobody awaits yet must not end the process: it is awaited by firstFrame().
    this.#first.catch(() => {});
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error) => this.#fail(new AirflowSdkProtocolError(`the comm socket to Airflow's supervisor failed: ${error.message}`, { cause: error })));
    socket.on("close", () => this.#fail(new AirflowSdkProtocolError("Airflow's supervisor closed the comm socket")));
  }

  /** Connect to `--comm`. */
  static async connect(address: string): Promise<SupervisorChannel> {
    return new SupervisorChannel(await connectSocket(address, "--comm"));
  }

  /** The supervisor's first frame: StartupDetails for a task. */
  firstFrame(): Promise<Frame> {
    return this.#first;
  }

  /**
   * Send a request and wait for its answer. Resolves with the answer's body (null when the
   * supervisor answers with neither body nor error); rejects with AirflowSdkRequestError when
   * it answers with an error, AirflowSdkProtocolError when the socket fails first.
   */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown> | null> {
    if (this.#closed !== undefined) throw this.#closed;
    const id = this.#nextId++;
    const type = String(body["type"]);
    const answer = new Promise<Frame>((resolve, reject) => this.#pending.set(id, { resolve, reject, type }));
    this.#socket.write(encodeRequest(id, body));
    const frame = await answer;
    const error = frame.error ?? (frame.body?.["type"] === "ErrorResponse" ? frame.body : null);
    if (error !== null) throw supervisorError(type, error);
    return frame.body;
  }

  /** Close the socket once what was written has gone out. */
  close(): Promise<void> {
    return endSocket(this.#socket);
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#reader.push(chunk);
    } catch (error) {
      this.#fail(error as Error);
      this.#socket.destroy();
      return;
    }
    for (const frame of frames) {
      const waiting = this.#pending.get(frame.id);
      if (waiting !== undefined && this.#firstSeen) {
        this.#pending.delete(frame.id);
        waiting.resolve(frame);
      } else if (!this.#firstSeen) {
        this.#firstSeen = true;
        this.#resolveFirst(frame);
      }
      // Anything else would be a frame the supervisor sends unasked after StartupDetails, which
      // the protocol does not have ("no messages are sent to the task process except in
      // response to a request"): dropped.
    }
  }

  #fail(error: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = error;
    this.#rejectFirst(error);
    for (const waiting of this.#pending.values()) waiting.reject(new AirflowSdkProtocolError(`no answer to ${waiting.type}: ${error.message}`, { cause: error }));
    this.#pending.clear();
  }
}

/** The supervisor's error answer to `request` as an error: its code, HTTP status and message. */
function supervisorError(request: string, error: Record<string, unknown>): AirflowSdkRequestError {
  const errorCode = typeof error["error"] === "string" ? error["error"] : "UNKNOWN";
  const detail = typeof error["detail"] === "object" && error["detail"] !== null ? (error["detail"] as Record<string, unknown>) : {};
  const status = typeof detail["status_code"] === "number" ? detail["status_code"] : undefined;
  const message = typeof detail["message"] === "string" ? `: ${detail["message"]}` : "";
  return new AirflowSdkRequestError(`Airflow refused ${request}: ${errorCode}${status === undefined ? "" : ` (HTTP ${status})`}${message}`, errorCode, status);
}
