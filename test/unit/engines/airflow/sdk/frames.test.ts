import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { encodeRequest, FrameReader } from "../../../../../engines/airflow/sdk/frames.js";
import { AirflowSdkProtocolError } from "../../../../../engines/airflow/errors.js";

function response(id: number, body: unknown, error: unknown = null): Buffer {
  const payload = encode([id, body, error]);
  const out = Buffer.alloc(4 + payload.byteLength);
  out.writeUInt32BE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

describe("the supervisor's frames", () => {
  it("writes a request as a big-endian length and the msgpack array [id, body]", () => {
    const frame = encodeRequest(7, { type: "GetVariable", key: "region", skipped: undefined });
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(decode(frame.subarray(4))).toEqual([7, { type: "GetVariable", key: "region" }]);
  });

  it("reads frames split anywhere and several in one chunk", () => {
    const bytes = Buffer.concat([response(0, { type: "StartupDetails" }), response(1, null, { error: "VARIABLE_NOT_FOUND" }), response(2, { type: "OKResponse", ok: true })]);
    for (const cut of [1, 3, 4, 5, 17, bytes.length - 1]) {
      const reader = new FrameReader();
      const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(frames).toEqual([
        { id: 0, body: { type: "StartupDetails" }, error: null },
        { id: 1, body: null, error: { error: "VARIABLE_NOT_FOUND" } },
        { id: 2, body: { type: "OKResponse", ok: true }, error: null },
      ]);
      expect(reader.pending).toBe(0);
    }
  });

  it("refuses a frame that is not [id, body, error?], naming what it got", () => {
    const payload = encode({ not: "an array" });
    const bad = Buffer.alloc(4 + payload.byteLength);
    bad.writeUInt32BE(payload.byteLength, 0);
    bad.set(payload, 4);
    expect(() => new FrameReader().push(bad)).toThrow(AirflowSdkProtocolError);
    expect(() => new FrameReader().push(bad)).toThrow(/not \[id, body, error\?\] \(got object\)/);
  });
});
