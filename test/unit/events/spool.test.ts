import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Spool, type BusMessage } from "../../../src/events/spool.js";

const message = (n: number, body = `{"n":${n}}`): BusMessage => ({ id: `id-${n}`, key: "d.T.task.started", type: "dev.wfkit.task.started", contentType: "application/json", body });
const dir = () => mkdtempSync(path.join(tmpdir(), "wfkit-spool-test-"));
/** A pid that is certainly not running: a child that has exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("Spool", () => {
  it("appends in order and reads whole lines from an offset", () => {
    const spool = new Spool(dir());
    expect(spool.ownSize()).toBe(0);
    spool.append([message(1), message(2, `{"text":"line\\nbreak ✓ \\"quoted\\""}`)]);
    const first = spool.read(spool.own, 0);
    expect(first.messages.map((m) => m.id)).toEqual(["id-1", "id-2"]);
    expect(first.messages[1]!.body).toBe(`{"text":"line\\nbreak ✓ \\"quoted\\""}`);
    expect(first.end).toBe(spool.ownSize());
    spool.append([message(3)]);
    expect(spool.read(spool.own, first.end).messages.map((m) => m.id)).toEqual(["id-3"]);
  });

  it("leaves a partial last line for later and reports lines that are not events", () => {
    const spool = new Spool(dir());
    spool.append([message(1)]);
    appendFileSync(spool.own, "not json\n");
    appendFileSync(spool.own, '{"id":"half');
    const read = spool.read(spool.own, 0);
    expect(read.messages.map((m) => m.id)).toEqual(["id-1"]);
    expect(read.bad).toEqual(["not json"]);
    expect(read.end).toBe(spool.ownSize() - '{"id":"half'.length);
  });

  it("claims the files of dead processes of this host, oldest first, and nobody else's", () => {
    const d = dir();
    const host = hostname();
    const dead = deadPid();
    writeFileSync(path.join(d, `000000000000002~${host}~${dead}~0.jsonl`), `${JSON.stringify(message(2))}\n`);
    writeFileSync(path.join(d, `000000000000001~${host}~${dead}~3.jsonl`), `${JSON.stringify(message(1))}\n`);
    writeFileSync(path.join(d, `000000000000001~${host}~${process.ppid}~0.jsonl`), "alive\n");
    writeFileSync(path.join(d, `000000000000001~other-host~${dead}~0.jsonl`), "elsewhere\n");
    writeFileSync(path.join(d, "rejected.jsonl"), "{}\n");
    const spool = new Spool(d);
    spool.append([message(9)]);
    const claimed = spool.claimOrphans();
    expect(claimed.map((f) => spool.read(f, 0).messages[0]!.id)).toEqual(["id-1", "id-2"]);
    for (const f of claimed) expect(path.basename(f)).toMatch(new RegExp(`^00000000000000[12]~${host}~${process.pid}~\\d+\\.jsonl$`));
    expect(claimed).not.toContain(spool.own);
    // a second process would find nothing left to claim
    expect(new Spool(d).claimOrphans()).toEqual([]);
    expect(readdirSync(d)).toContain(`000000000000001~${host}~${process.ppid}~0.jsonl`);
    expect(readdirSync(d)).toContain(`000000000000001~other-host~${dead}~0.jsonl`);
    spool.remove(claimed[0]!);
    expect(existsSync(claimed[0]!)).toBe(false);
    expect(() => spool.remove(claimed[0]!)).not.toThrow();
  });

  it("keeps undeliverable events with the reason in rejected.jsonl", () => {
    const spool = new Spool(dir());
    const file = spool.reject(message(7), "too large");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ reason: "too large", message: { id: "id-7" } });
  });
});
