/**
 * One build's side of `bench/local-engine.ts --vs`: a child process that loads the build of wfkit
 * in the folder given as its first argument (the clock, `wall` or `cpu`, is the second) and runs what the parent asks for over IPC, one request at
 * a time (the parent never asks two children at once). It has the heap and JIT state of its own
 * build only.
 *
 *   request  { id, op: "warmUp" | "round" | "resultFileCost", shape }  or  { id, op: "close" }
 *   reply    { id, ok: true, value }  or  { id, ok: false, error }
 */
import { EngineBench, loadBuild } from "./local-engine-measure.js";

export type ChildRequest = { id: number; op: "warmUp" | "round" | "resultFileCost"; shape: string } | { id: number; op: "close" };
export type ChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const dir = process.argv[2];
if (dir === undefined || process.send === undefined) {
  console.error("usage: forked by bench/local-engine.ts --vs, with the build's folder as argument");
  process.exit(2);
}
const send = (reply: ChildReply) => process.send!(reply);

const bench = new EngineBench(await loadBuild(dir), process.argv[3] === "cpu" ? "cpu" : "wall");

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.op) {
    case "warmUp":
      return bench.warmUp(bench.shape(request.shape));
    case "round":
      return bench.round(bench.shape(request.shape));
    case "resultFileCost":
      return bench.resultFileCost(bench.shape(request.shape));
    case "close":
      return bench.close();
  }
}

process.on("message", (request: ChildRequest) => {
  handle(request).then(
    (value) => {
      send({ id: request.id, ok: true, value: value ?? null });
      if (request.op === "close") process.disconnect();
    },
    (error: unknown) => send({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
send({ id: 0, ok: true, value: "ready" });
