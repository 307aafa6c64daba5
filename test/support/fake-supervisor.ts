// A stand-in for Airflow's supervisor on the SDK runtime's two sockets, for unit tests: it sends
// StartupDetails, answers requests as the real one does (every request gets a response frame
// with its id), and keeps what the task process sent. The real supervisor is in the
// integration tests (test/integration/airflow-sdk.test.ts). Its frames are made here, not with
// engines/airflow/sdk/frames.ts, so that a fault of that codec cannot hide from the tests.
import { decode, encode } from "@msgpack/msgpack";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface SupervisorRequest {
  id: number;
  body: Record<string, unknown>;
}

/** How the fake answers a request: a body, or an error map (`{error: "VARIABLE_NOT_FOUND"}`). */
export type Answer = { body?: Record<string, unknown> | null; error?: Record<string, unknown> };

export interface FakeSupervisor {
  comm: string;
  logs: string;
  /** Every request the task process sent, in order. */
  requests: SupervisorRequest[];
  /** Every log record received on the log socket. */
  records: Record<string, unknown>[];
  /** Resolves when both sockets are closed by the task process. */
  closed: Promise<void>;
  stop(): Promise<void>;
}

function frame(value: unknown[]): Buffer {
  const payload = encode(value);
  const out = Buffer.alloc(4 + payload.byteLength);
  out.writeUInt32BE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Start the fake: `startup` is the StartupDetails body it sends first; `answer` decides each response. */
export async function startFakeSupervisor(startup: Record<string, unknown>, answer: (request: SupervisorRequest) => Answer = () => ({ body: null })): Promise<FakeSupervisor> {
  const requests: SupervisorRequest[] = [];
  const records: Record<string, unknown>[] = [];
  const sockets: Socket[] = [];
  let closedComm!: () => void;
  let closedLogs!: () => void;
  const closed = Promise.all([new Promise<void>((r) => (closedComm = r)), new Promise<void>((r) => (closedLogs = r))]).then(() => {});
  const comm = createServer((socket) => {
    sockets.push(socket);
    socket.write(frame([0, startup]));
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
        const length = buffer.readUInt32BE(0);
        const [id, body] = decode(buffer.subarray(4, 4 + length)) as [number, Record<string, unknown>];
        buffer = buffer.subarray(4 + length);
        const request = { id, body };
        requests.push(request);
        const a = answer(request);
        socket.write(frame([id, a.body ?? null, a.error ?? null]));
      }
    });
    socket.on("close", () => closedComm());
  });
  const logs = createServer((socket) => {
    sockets.push(socket);
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      let at;
      while ((at = text.indexOf("\n")) >= 0) {
        records.push(JSON.parse(text.slice(0, at)) as Record<string, unknown>);
        text = text.slice(at + 1);
      }
    });
    socket.on("close", () => closedLogs());
  });
  const [commAddress, logsAddress] = await Promise.all([listen(comm), listen(logs)]);
  return {
    comm: commAddress,
    logs: logsAddress,
    requests,
    records,
    closed,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => comm.close(r)), new Promise((r) => logs.close(r))]);
    },
  };
}

/** StartupDetails as Airflow 3.3.2 sends them, with what a test changes. */
export function startupDetails(over: { task: string; dagId: string; tryNumber?: number; shouldRetry?: boolean; conf?: Record<string, unknown>; maxTries?: number }): Record<string, unknown> {
  return {
    type: "StartupDetails",
    ti: {
      id: "0199c6a0-0000-7000-8000-000000000001",
      task_id: over.task,
      dag_id: over.dagId,
      run_id: "manual__2026-12-05T10:00:00+00:00",
      try_number: over.tryNumber ?? 1,
      dag_version_id: "0199c6a0-0000-7000-8000-000000000002",
      map_index: -1,
      queue: "wfkit",
    },
    dag_rel_path: "dag.py",
    bundle_info: { name: "dags-folder", version: null },
    start_date: "2026-12-05T10:00:01.000000Z",
    ti_context: {
      dag_run: {
        dag_id: over.dagId,
        run_id: "manual__2026-12-05T10:00:00+00:00",
        logical_date: "2026-12-05T10:00:00Z",
        data_interval_start: "2026-12-05T10:00:00Z",
        data_interval_end: "2026-12-05T10:00:00Z",
        run_after: "2026-12-05T10:00:00Z",
        start_date: "2026-12-05T10:00:00.500000Z",
        end_date: null,
        clear_number: 0,
        run_type: "manual",
        state: "running",
        conf: over.conf ?? {},
        consumed_asset_events: [],
        partition_key: null,
      },
      task_reschedule_count: 0,
      max_tries: over.maxTries ?? 0,
      should_retry: over.shouldRetry ?? false,
    },
    sentry_integration: "",
  };
}
