import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { OutputFile } from "../../../build-utils/export/index.js";
import {
  PackageConfigError,
  PackageError,
  PackageManifestSchema,
  PackageWriteError,
  writePackageZip,
  type ManifestWorkflow,
  type PackageManifestInput,
} from "../../../build-utils/package/index.js";
import { readZip } from "../../support/read-zip.js";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wfkit-zip-"));
  temporary.push(dir);
  return dir;
}

const files: OutputFile[] = [
  { path: "dags/shop_to_warehouse_orders_2.1.0.py", content: "# the etl DAG\n" },
  { path: "dags/orders_audit_2.1.0.py", content: "# the audit DAG\n" },
  { path: "notebooks/etl.ipynb", content: new TextEncoder().encode('{"cells": []}\n') },
];

const workflow = (dagId: string, file: string): ManifestWorkflow => ({
  dagId,
  name: dagId.replace(/_2\.1\.0$/, ""),
  version: "2.1.0",
  dagHash: createHash("sha256").update(dagId).digest("hex"),
  file,
  tasks: ["Extract", "Load"],
  module: "src/etl.ts",
  exportName: dagId.startsWith("shop") ? "etl" : "audit",
});

const input = (sourceRoot: string): PackageManifestInput => ({
  package: { name: "orders-pipelines", version: "2.1.0" },
  engine: { name: "airflow", version: "3" },
  workflows: [workflow("shop_to_warehouse_orders_2.1.0", "dags/shop_to_warehouse_orders_2.1.0.py"), workflow("orders_audit_2.1.0", "dags/orders_audit_2.1.0.py")],
  sourceRoot,
});

const repoRoot = process.cwd();
const wfkitVersion = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

describe("writePackageZip", () => {
  it("zips the files with a manifest whose sha256s and sizes match the entries", async () => {
    const out = path.join(tempDir(), "orders-pipelines-2.1.0.zip");
    const manifest = await writePackageZip(out, files, input(repoRoot));
    const entries = await readZip(out);
    expect(entries.map((e) => e.name)).toEqual([
      "manifest.json",
      "dags/orders_audit_2.1.0.py",
      "dags/shop_to_warehouse_orders_2.1.0.py",
      "notebooks/etl.ipynb",
    ]);
    const text = entries[0]!.data.toString("utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    const written = PackageManifestSchema.parse(JSON.parse(text));
    expect(written).toEqual(manifest);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["manifestVersion", "package", "wfkit", "engine", "workflows", "files", "git"]);
    expect(written.manifestVersion).toBe(1);
    expect(written.package).toEqual({ name: "orders-pipelines", version: "2.1.0" });
    expect(written.wfkit).toEqual({ version: wfkitVersion });
    expect(written.engine).toEqual({ name: "airflow", version: "3" });
    expect(written.workflows.map((w) => w.dagId)).toEqual(["orders_audit_2.1.0", "shop_to_warehouse_orders_2.1.0"]);
    expect(written.files.map((f) => f.path)).toEqual(entries.slice(1).map((e) => e.name));
    for (const entry of entries.slice(1)) {
      const listed = written.files.find((f) => f.path === entry.name)!;
      expect(listed.sha256).toBe(createHash("sha256").update(entry.data).digest("hex"));
      expect(listed.size).toBe(entry.data.byteLength);
    }
    expect(entries[3]!.data.toString("utf8")).toBe('{"cells": []}\n');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
  });

  it("records the git commit of the sources, and whether the checkout has changes", async () => {
    const out = path.join(tempDir(), "a.zip");
    const manifest = await writePackageZip(out, files, input(path.join(repoRoot, "test")));
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    expect(manifest.git).toEqual({ commit: head, dirty: expect.any(Boolean) });
    expect(manifest.git!.commit).toMatch(/^[0-9a-f]{40}$/);
    const outside = await writePackageZip(path.join(tempDir(), "b.zip"), files, input(tempDir()));
    expect(outside.git).toBeNull();
  });

  it("is deterministic: the same input gives the same bytes, whatever the order of files and workflows", async () => {
    const dir = tempDir();
    const sourceRoot = tempDir();
    await writePackageZip(path.join(dir, "one.zip"), files, input(sourceRoot));
    await new Promise((resolve) => setTimeout(resolve, 2100)); // zip times have 2-second steps
    const reversed = { ...input(sourceRoot), workflows: [...input(sourceRoot).workflows].reverse() };
    await writePackageZip(path.join(dir, "two.zip"), [...files].reverse(), reversed);
    const one = readFileSync(path.join(dir, "one.zip"));
    expect(one.equals(readFileSync(path.join(dir, "two.zip")))).toBe(true);
  });

  it("gives every entry one fixed date and mode: 1980-01-01, or SOURCE_DATE_EPOCH", async () => {
    const dir = tempDir();
    await writePackageZip(path.join(dir, "a.zip"), files, input(dir));
    for (const { entry } of await readZip(path.join(dir, "a.zip"))) {
      expect([entry.lastModFileDate, entry.lastModFileTime]).toEqual([(0 << 9) | (1 << 5) | 1, 0]);
      expect(entry.externalFileAttributes >>> 16).toBe(0o100644);
    }
    vi.stubEnv("SOURCE_DATE_EPOCH", String(Date.UTC(2024, 5, 30, 12, 0, 0) / 1000));
    await writePackageZip(path.join(dir, "b.zip"), files, input(dir));
    for (const { entry } of await readZip(path.join(dir, "b.zip"))) {
      expect(entry.getLastModDate({ timezone: "UTC" }).toISOString()).toBe("2024-06-30T12:00:00.000Z");
    }
    vi.stubEnv("SOURCE_DATE_EPOCH", "yesterday");
    await expect(writePackageZip(path.join(dir, "c.zip"), files, input(dir))).rejects.toThrow(/SOURCE_DATE_EPOCH=yesterday is not a number/);
    await expect(writePackageZip(path.join(dir, "c.zip"), files, input(dir))).rejects.toBeInstanceOf(PackageConfigError);
  });

  it("refuses bad input before writing anything", async () => {
    const dir = tempDir();
    const out = path.join(dir, "a.zip");
    const base = input(dir);
    await expect(writePackageZip(out, [...files, { path: "manifest.json", content: "{}" }], base)).rejects.toThrow(/manifest\.json is written by wfkit/);
    await expect(writePackageZip(out, files.slice(1), base)).rejects.toThrow(
      /workflow shop_to_warehouse_orders_2\.1\.0 names file dags\/shop_to_warehouse_orders_2\.1\.0\.py, which is not among the files/,
    );
    await expect(writePackageZip(out, files, { ...base, workflows: [base.workflows[0]!, base.workflows[0]!] })).rejects.toThrow(/listed twice/);
    await expect(writePackageZip(out, files, { ...base, package: { name: "", version: "1" } })).rejects.toThrow(/manifest is invalid: package\.name/);
    await expect(writePackageZip(out, [{ path: "../x", content: "" }], base)).rejects.toThrow(/leaves the output directory/);
    await expect(writePackageZip(out, files, { ...base, package: { name: "", version: "1" } })).rejects.toBeInstanceOf(PackageError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("writes atomically: replaces an old artifact whole, and leaves nothing behind when it fails", async () => {
    const dir = tempDir();
    const out = path.join(dir, "nested", "a.zip");
    await writePackageZip(out, files, input(dir));
    const first = readFileSync(out);
    await writePackageZip(out, files.slice(0, 1), { ...input(dir), workflows: input(dir).workflows.slice(0, 1) });
    expect(readFileSync(out).equals(first)).toBe(false);
    expect(readdirSync(path.dirname(out))).toEqual(["a.zip"]);

    mkdirSync(path.join(dir, "is-a-dir.zip"));
    await expect(writePackageZip(path.join(dir, "is-a-dir.zip"), files, input(dir))).rejects.toThrow(/is a directory; give the artifact a file path/);
    writeFileSync(path.join(dir, "file"), "x");
    const error = await writePackageZip(path.join(dir, "file", "a.zip"), files, input(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageWriteError);
    expect((error as Error).message).toMatch(/cannot write .*file\/a\.zip: .*nothing was written/);
    expect(readdirSync(dir).sort()).toEqual(["file", "is-a-dir.zip", "nested"]);
    expect(existsSync(path.join(dir, "is-a-dir.zip", "a.zip"))).toBe(false);
  });

  it("removes what a killed earlier write left next to the artifact, and only that", async () => {
    const dir = tempDir();
    const out = path.join(dir, "a.zip");
    // A process that is gone (it ran and exited) and one that lives (this one).
    const deadPid = Number(execFileSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).trim());
    const uuid = "0e9b1c1e-3f6a-4a43-9d2b-5b7c1f0a9e11";
    const leftover = `.a.zip.wfkit-tmp-${deadPid}-${uuid}.tmp`;
    const ours = `.a.zip.wfkit-tmp-${process.pid}-${uuid}.tmp`;
    const otherTarget = `.b.zip.wfkit-tmp-${deadPid}-${uuid}.tmp`;
    for (const name of [leftover, ours, otherTarget, "unrelated.tmp"]) writeFileSync(path.join(dir, name), "x");
    await writePackageZip(out, files, input(dir));
    expect(readdirSync(dir).sort()).toEqual([ours, otherTarget, "a.zip", "unrelated.tmp"].sort());
  });
});
