// wfkit as a user gets it: `npm pack`, installed from the tarball into a fresh project, used
// through its exports map (`wfkit`, `wfkit/local`, `wfkit/notebook`, `wfkit/engine`), its `wf` bin and its type declarations.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/wf-cli.js";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const exec = promisify(execFile);
const project = mkdtempSync(path.join(tmpdir(), "wfkit-user-"));

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "user-project", private: true, type: "module" }),
  "wf/hello.ts": `import { z } from "zod";
import { TaskBase, Workflow } from "wfkit";

const params = z.object({ who: z.string().default("world") });
export class Greet extends TaskBase<z.infer<typeof params>> {
  run() {
    this.logger.info(\`hello \${this.params.who}\`);
  }
}
export const hello = new Workflow({ category: "hello", version: "0.1.0", params }).addNode(Greet);
`,
  "run.mjs": `import { TaskBase, Workflow } from "wfkit";
import { runLocal } from "wfkit/local";
import { loadConfig } from "wfkit/engine";
class Ping extends TaskBase { run() {} }
const wf = new Workflow({ category: "ping", version: "dev" }).addNode(Ping);
const result = await runLocal(wf, { home: ".wf" });
console.log(JSON.stringify({ status: result.status, dagId: result.dagId, home: loadConfig({}).WF_HOME }));
`,
  // Older projects (and tools such as tslab) resolve modules the node10 way: no exports map,
  // so wfkit must also be found through main/types and typesVersions.
  "tsconfig.node10.json": JSON.stringify({
    extends: "./tsconfig.json",
    // esModuleInterop as `tsc --init` sets it (zod's own declarations need it under node10).
    compilerOptions: { module: "ES2022", moduleResolution: "node10", esModuleInterop: true },
  }),
  "wf/uses-local.ts": `import { runLocal, type LocalRunOptions } from "wfkit/local";
import { hello } from "./hello.js";
const options: LocalRunOptions = { home: ".wf" };
export const run = () => runLocal(hello, options);
`,
  "wf/uses-engine.ts": `import { createEvent, loadConfig, type EventOrigin, type WfConfig } from "wfkit/engine";
import type { WfEvent } from "wfkit";
const config: WfConfig = loadConfig({});
const origin: EventOrigin = { runId: "r1", dagId: "hello_0.1.0", workflowName: "hello", version: "0.1.0", engine: "local" };
export const started = (): WfEvent => createEvent(origin, "run.started", { params: {} });
export const home = config.WF_HOME;
`,
  "wf/uses-notebook.ts": `import { openNotebookRun, renderNotebook, type NotebookRun } from "wfkit/notebook";
import { hello } from "./hello.js";
export const render = () => renderNotebook({ workflow: hello, package: { name: "p", version: "1.0.0", root: "/p" }, modulePath: "wf/hello.ts", exportName: "hello" });
export const open = (): Promise<NotebookRun> =>
  openNotebookRun({ dagId: hello.dagId, dagHash: hello.dagHash(), package: { name: "p", version: "1.0.0" }, module: "wf/hello.ts", exportName: "hello", packageRoot: "..", params: {} });
`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [path.join(repoRoot, "node_modules", "@types")],
    },
    include: ["wf"],
  }),
};

beforeAll(async () => {
  const tarball = await wfkitTarball();
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), text);
  }
  await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: project });
}, 180_000);

describe("the packed package in a user's project", () => {
  it("type-checks a workflow against the shipped declarations (skipLibCheck off)", async () => {
    const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
    await expect(exec(tsc, ["-p", "."], { cwd: project })).resolves.toBeTruthy();
  });

  it("type-checks with the older node10 module resolution too", async () => {
    const tsc = path.join(repoRoot, "node_modules", ".bin", "tsc");
    await expect(exec(tsc, ["-p", "tsconfig.node10.json"], { cwd: project })).resolves.toBeTruthy();
  });

  it("runs through `wfkit`, `wfkit/local` and `wfkit/engine` from plain Node, no TypeScript tooling", async () => {
    const { stdout } = await exec(process.execPath, ["run.mjs"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ status: "success", dagId: "ping_dev", home: ".wf" });
  });

  it("its `wf` bin loads a .ts workflow directly", async () => {
    const wf = path.join(project, "node_modules", ".bin", "wf");
    const { stdout, stderr } = await exec(wf, ["run", "wf/hello.ts", "-p", "who=user", "--json"], {
      cwd: project,
      env: { ...process.env, WF_LOG_FORMAT: "json" },
    });
    expect(JSON.parse(stdout)).toMatchObject({ status: "success", dagId: "hello_0.1.0", params: { who: "user" } });
    expect(stderr).toContain('"message":"hello user"');
  });
});
