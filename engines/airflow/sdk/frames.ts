import { decode, encode } from "@msgpack/msgpack";
import { AirflowSdkProtocolError } from "../errors.js";

// The supervisor's frame format (airflow/sdk/execution_time/comms.py, `_FrameMixin`): a 4-byte
// big-endian length, then a msgpack array — `[id, body]` for a request, `[id, body, error]` for
// a response. Both sides count their own request ids from 0; a response carries the id of the
// request it answers. Written here rather than taken from apache-airflow-ts-sdk: that package
// declares Node >= 22 and ships its codec only inside its own runtime.

/** One decoded frame. `body` and `error` are msgpack maps (or null). */
export interface Frame {
  id: number;
  body: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
}

/** The largest frame the 4-byte length prefix can announce. */
const MAX_FRAME_BYTES = 0xffff_ffff;

/** A request frame `[id, body]`, length-prefixed. */
export function encodeRequest(id: number, body: Record<string, unknown>): Buffer {
  const payload = encode([id, body], { ignoreUndefined: true });
  if (payload.byteLength > MAX_FRAME_BYTES) throw new AirflowSdkProtocolError(`a ${String(body["type"])} message of ${payload.byteLength} bytes is larger than a frame can carry (4 GiB)`);
  const frame = Buffer.allocUnsafe(4 + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.set(payload, 4);
  return frame;
}

/** Collects bytes as they arrive and hands out every complete frame. */
export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Add bytes read from the socket; returns the frames they complete (throws on a malformed one). */
  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (this.#buffer.length < 4 + length) break;
      frames.push(decodeFrame(this.#buffer.subarray(4, 4 + length)));
      this.#buffer = this.#buffer.subarray(4 + length);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.#buffer.length;
  }
}

function decodeFrame(payload: Uint8Array): Frame {
  let value: unknown;
  try {
    value = decode(payload);
  } catch (error) {
    throw new AirflowSdkProtocolError(`a frame from Airflow's supervisor is not msgpack (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== "number") {
    throw new AirflowSdkProtocolError(`a frame from Airflow's supervisor is not [id, body, error?] (got ${Array.isArray(value) ? `an array of ${value.length}` : typeof value})`);
  }
  return { id: value[0], body: asMap(value[1]), error: asMap(value[2]) };
}

function asMap(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? (value as Record<string, unknown>) : null;
}
