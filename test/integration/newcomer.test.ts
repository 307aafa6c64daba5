// A newcomer's first hour, as CI proves it: wfkit's tarball into a fresh npm project (`npm init
// -y`, which writes "type": "commonjs"; and one with "type": "module"), `wf init`, the installs
// it prints, then `wf validate`, `wf run`, `wf export --engine airflow` and the project's own
// `npm test` (vitest), each passing; after a run, `npm pack` of the project ships no run folder.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { wfkitTarball } from "../support/wfkit-tarball.js";

const exec = promisify(execFile);
const SLOW = 300_000;

/** Run a command in `cwd` as a user would (their env, no colour); fails the test with its output when it fails. */
async function sh(cwd: string, command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", WF_LOG_FORMAT: "json" }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

describe("a newcomer's project", () => {
  for (const type of ["commonjs", "module"] as const) {
    it(`npm init -y${type === "module" ? " with \"type\": \"module\"" : " (\"type\": \"commonjs\")"}, the tarball, wf init: validate, run, export and the project's vitest pass`, { timeout: SLOW }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), `wfkit-newcomer-${type}-`));
      await sh(dir, "npm", ["init", "-y"]);
      if (type === "module") {
        const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
        writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...pkg, type: "module" }, null, 2));
      }
      expect((JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { type?: string }).type).toBe(type);
      const npmInstall = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
      await sh(dir, "npm", [...npmInstall, await wfkitTarball()]);

      const init = await sh(dir, "npx", ["wf", "init"]);
      expect(init.stdout).toContain("created  src/workflows/hello.ts");
      expect(init.stdout).toContain("created  test/hello.test.ts");
      // The installs it prints are the ones the project lacks, then run as printed.
      const installs = init.stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("npm install"));
      expect(installs).toEqual(["npm install zod", "npm install --save-dev vitest typescript @types/node"]);
      for (const line of installs) await sh(dir, "npm", [...npmInstall, ...line.split(" ").slice(2)]);

      const validate = await sh(dir, "npx", ["wf", "validate", "."]);
      expect(validate.stdout).toContain("✔ name_to_greeting_hello_0.1.0 (src/workflows/hello.ts)");
      const run = await sh(dir, "npx", ["wf", "run", "src/workflows/hello.ts", "-p", "who=newcomer", "--json"]);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: "success", dagId: "name_to_greeting_hello_0.1.0", params: { who: "newcomer" } });
      expect(run.stderr).toContain('"message":"hello, newcomer"');
      await sh(dir, "npx", ["wf", "export", "--engine", "airflow", "--out", "dags", "."]);
      expect(existsSync(path.join(dir, "dags", "name_to_greeting_hello_0.1.0.py"))).toBe(true);
      const test = await sh(dir, "npm", ["test"]);
      expect(`${test.stdout}${test.stderr}`).toMatch(/Tests\s+1 passed/);
      await sh(dir, "npx", ["tsc", "-p", "."]);

      // The run left its folder in .wf/: npm must not ship it.
      expect(existsSync(path.join(dir, ".wf", "runs"))).toBe(true);
      const packed = JSON.parse((await sh(dir, "npm", ["pack", "--dry-run", "--json"])).stdout) as { files: { path: string }[] }[];
      const files = packed[0]!.files.map((f) => f.path);
      expect(files).toContain("src/workflows/hello.ts");
      expect(files.filter((f) => f.startsWith(".wf/"))).toEqual([]);
    });
  }

  it("wf init keeps what the project has and adds only what it lacks; a second run changes nothing", { timeout: SLOW }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-newcomer-again-"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "mine", version: "2.0.0", scripts: { test: "jest" }, devDependencies: { vitest: "^4.0.0" } }, null, 2));
    writeFileSync(path.join(dir, "tsconfig.json"), "{}\n");
    writeFileSync(path.join(dir, ".gitignore"), "dist\n");
    writeFileSync(path.join(dir, ".npmignore"), "test/\n");
    await sh(dir, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", await wfkitTarball()]);
    const first = await sh(dir, "npx", ["wf", "init"]);
    expect(first.stdout).toContain("kept     tsconfig.json (already there)");
    expect(readFileSync(path.join(dir, "tsconfig.json"), "utf8")).toBe("{}\n");
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: Record<string, string>; wfkit: unknown };
    expect(pkg.scripts["test"]).toBe("jest");
    expect(pkg.wfkit).toEqual({ workflows: ["src/workflows/*.ts"] });
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe("dist\nnode_modules/\n.wf/\n");
    expect(readFileSync(path.join(dir, ".npmignore"), "utf8")).toBe("test/\n.wf/\n");
    expect(first.stdout).toContain("npm install zod\n");
    expect(first.stdout).toContain("npm install --save-dev typescript @types/node\n");
    const second = await sh(dir, "npx", ["wf", "init"]);
    expect(second.stdout).not.toMatch(/created|updated/);
  });
});
