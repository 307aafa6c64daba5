// `wf export` and `wf package` from the command line: identical bytes on every export, a zip
// whose manifest matches its files, and nothing written at all when one workflow is invalid.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, wf } from "../support/wf-cli.js";
import { readZip } from "../support/read-zip.js";

let work: string;
let pkg: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "wfkit-export-cli-"));
  // A workflow package as a user has it: its own folder, wfkit in its node_modules.
  pkg = path.join(work, "orders");
  await cp(path.join(repoRoot, "test/fixtures/packages/orders"), pkg, { recursive: true });
  await mkdir(path.join(pkg, "node_modules"));
  await symlink(repoRoot, path.join(pkg, "node_modules", "wfkit"));
  await symlink(path.join(repoRoot, "node_modules", "zod"), path.join(pkg, "node_modules", "zod"));
});

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

describe("wf export --engine airflow", () => {
  it("writes dags/<dag_id>.py, byte-identical on a second export", async () => {
    const [a, b] = [path.join(work, "a"), path.join(work, "b")];
    for (const out of [a, b]) {
      const r = await wf(["export", "--engine", "airflow", "--out", out, "examples/etl.ts"]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await readdir(a)).toEqual(["csv_to_report_etl_orders_1.0.0.py"]);
    const [x, y] = await Promise.all([a, b].map((d) => readFile(path.join(d, "csv_to_report_etl_orders_1.0.0.py"))));
    expect(x!.equals(y!)).toBe(true);
  });

  it("exports every workflow of a package folder and prints its source warnings", async () => {
    const out = path.join(work, "pkg-dags");
    const r = await wf(["export", "--engine", "airflow", "--out", out, pkg]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/warning .*\.ts:\d+: .*\[unused-task\]/);
  });

  it("writes nothing when one workflow of the package is invalid, and names the problem", async () => {
    const broken = path.join(work, "broken");
    await cp(pkg, broken, { recursive: true, verbatimSymlinks: true });
    await writeFile(
      path.join(broken, "src", "zz-invalid.ts"),
      `import { TaskBase, Workflow } from "wfkit";
export class Lonely extends TaskBase { run(): void {} }
export const invalid = new Workflow({ category: "invalid", version: "1.0.0" }).addNode(Lonely, { upstreams: Lonely });
`,
    );
    const out = path.join(work, "never");
    const r = await wf(["export", "--engine", "airflow", "--out", out, broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid_1.0.0");
    expect(r.stderr).toContain("[cycle] cycle: Lonely -> Lonely");
    expect(r.stderr).toContain("nothing was written");
    expect(existsSync(out)).toBe(false);
    const zip = path.join(work, "never.zip");
    expect((await wf(["package", "--engine", "airflow", "--out", zip, broken])).code).toBe(1);
    expect(existsSync(zip)).toBe(false);
  });

  it("exits 2 for an input that cannot be loaded, writing nothing", async () => {
    const out = path.join(work, "never2");
    const r = await wf(["export", "--engine", "airflow", "--out", out, "examples/etl.ts", "test/fixtures/workflows/throws-on-import.ts"]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe("wf package --engine airflow", () => {
  it("writes a deterministic zip whose manifest lists every file with its sha256", async () => {
    const [a, b] = [path.join(work, "a.zip"), path.join(work, "b.zip")];
    for (const out of [a, b]) {
      const r = await wf(["package", "--engine", "airflow", "--out", out, pkg]);
      expect(r.code, r.stderr).toBe(0);
    }
    const [x, y] = await Promise.all([readFile(a), readFile(b)]);
    expect(x.equals(y)).toBe(true);
    const entries = new Map((await readZip(a)).map((e) => [e.name, e.data]));
    const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8")) as {
      package: { name: string; version: string };
      engine: { name: string; version: string };
      files: { path: string; sha256: string; size: number }[];
      workflows: { dagId: string; file: string; dagHash: string; tasks: string[] }[];
    };
    expect(manifest.package).toEqual({ name: "orders-pipelines", version: "2.1.0" });
    expect(manifest.engine).toEqual({ name: "airflow", version: "3" });
    const files = [...entries.keys()].filter((p) => p !== "manifest.json").sort();
    expect(manifest.files.map((f) => f.path)).toEqual(files);
    for (const f of manifest.files) {
      expect(f.sha256).toBe(sha256(entries.get(f.path)!));
      expect(f.size).toBe(entries.get(f.path)!.length);
    }
    for (const w of manifest.workflows) expect(files).toContain(w.file);
  });
});
