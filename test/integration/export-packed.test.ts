// `wf export`, `wf package` and `wf validate` refuse a package directory whose workflow module,
// or a file it imports, npm pack leaves out (package.json "files", .npmignore): `wf install`
// would never put it on a worker, and the DAG would fail only when it ran.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, wf } from "../support/wf-cli.js";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "wfkit-export-packed-"));
});

/** A workflow package as a user has it (wfkit in its node_modules), with `files` in its package.json, holding `sources`. */
async function workflowPackage(name: string, files: string[], sources: Record<string, string>): Promise<string> {
  const pkg = path.join(work, name);
  await mkdir(path.join(pkg, "node_modules"), { recursive: true });
  await symlink(repoRoot, path.join(pkg, "node_modules", "wfkit"));
  await writeFile(path.join(pkg, "package.json"), JSON.stringify({ name, version: "1.0.0", type: "module", files }, null, 2));
  for (const [file, text] of Object.entries(sources)) {
    await mkdir(path.dirname(path.join(pkg, file)), { recursive: true });
    await writeFile(path.join(pkg, file), text);
  }
  return pkg;
}

const etl = (imports: string) =>
  `import { TaskBase, Workflow } from "wfkit";
${imports}
export class Extract extends TaskBase { run(): void {} }
export const etl = new Workflow({ category: "packed", version: "1.0.0" }).addNode(Extract);
`;
const SO = "so npm pack and wf install leave it out and the DAG would fail on the worker";

describe("a workflow module that npm pack leaves out", () => {
  it('is refused by wf export, wf package and wf validate, naming the file and the "files" entry to add', async () => {
    const pkg = await workflowPackage("dist-only", ["dist/"], { "src/etl.ts": etl("") });
    const problem = `[module-not-packed] src/etl.ts is not in the package's "files" (package.json), ${SO}: add "src/" (or "src/etl.ts") to "files"`;

    const out = path.join(work, "never");
    const exported = await wf(["export", "--engine", "airflow", "--out", out, pkg]);
    expect(exported.code, exported.stderr).toBe(1);
    expect(exported.stderr).toContain("packed_1.0.0 (src/etl.ts): 1 problem");
    expect(exported.stderr).toContain(problem);
    expect(exported.stderr).toContain("nothing was written");
    expect(existsSync(out)).toBe(false);

    const zip = path.join(work, "never.zip");
    const packaged = await wf(["package", "--engine", "airflow", "--out", zip, pkg]);
    expect(packaged.code, packaged.stderr).toBe(1);
    expect(packaged.stderr).toContain(problem);
    expect(existsSync(zip)).toBe(false);

    const validated = await wf(["validate", pkg]);
    expect(validated.code, validated.stderr).toBe(1);
    expect(validated.stdout).toContain(problem);
  });

  it("is refused when it ships but a file it imports does not", async () => {
    const pkg = await workflowPackage("module-only", ["src/etl.ts"], {
      "src/etl.ts": etl('import { rows } from "./helpers.js";\nvoid rows;'),
      "src/helpers.ts": "export const rows = 3;\n",
    });
    const r = await wf(["export", "--engine", "airflow", "--out", path.join(work, "never-helpers"), pkg]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `[module-not-packed] src/helpers.ts, imported by src/etl.ts, is not in the package's "files" (package.json), ${SO}: add "src/" (or "src/helpers.ts") to "files"`,
    );
    expect(r.stderr).not.toContain("[module-not-packed] src/etl.ts");
  });
});

describe("a workflow module that ships", () => {
  it('exports, packages and validates when "files" takes in the module and its imports', async () => {
    const pkg = await workflowPackage("src-listed", ["src/"], {
      "src/etl.ts": etl('import { rows } from "./helpers.js";\nvoid rows;'),
      "src/helpers.ts": "export const rows = 3;\n",
    });
    const out = path.join(work, "dags");
    const exported = await wf(["export", "--engine", "airflow", "--out", out, pkg]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(await readdir(out)).toEqual(["packed_1.0.0.py"]);
    const packaged = await wf(["package", "--engine", "airflow", "--out", path.join(work, "ok.zip"), pkg]);
    expect(packaged.code, packaged.stderr).toBe(0);
    const validated = await wf(["validate", pkg]);
    expect(validated.code, validated.stderr).toBe(0);
  });

  it("needs no packing for a notebook exported to a folder, which loads the package from where it is", async () => {
    const pkg = await workflowPackage("dist-only-notebook", ["dist/"], { "src/etl.ts": etl("") });
    const r = await wf(["export", "--engine", "notebook", "--out", path.join(work, "nb"), pkg]);
    expect(r.code, r.stderr).toBe(0);
  });
});
