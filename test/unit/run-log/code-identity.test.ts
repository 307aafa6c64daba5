import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codeIdentity } from "../../../src/run-log/code-identity.js";

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], { encoding: "utf8" });

describe("codeIdentity", () => {
  it("names the package, the commit, the changed files and the remote with its password masked", async () => {
    const repo = mkdtempSync(path.join(tmpdir(), "wfkit-code-"));
    git(repo, "init", "-q");
    writeFileSync(path.join(repo, "package.json"), JSON.stringify({ name: "my-pipelines", version: "1.4.2" }));
    mkdirSync(path.join(repo, "workflows"));
    writeFileSync(path.join(repo, "workflows", "etl.ts"), "export {};\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "first");
    git(repo, "remote", "add", "origin", "https://deploy:s3cr3t-token@git.example.com/team/pipelines.git");
    const commit = git(repo, "rev-parse", "HEAD").trim();

    const clean = await codeIdentity(path.join(repo, "workflows"));
    expect(clean).toEqual({
      package: { name: "my-pipelines", version: "1.4.2" },
      wfkit: expect.stringMatching(/^\d+\.\d+\.\d+/),
      node: process.version,
      git: { commit, clean: true, dirty: [], remote: "https://deploy:[masked]@git.example.com/team/pipelines.git" },
    });
    expect(JSON.stringify(clean)).not.toContain("s3cr3t");

    writeFileSync(path.join(repo, "workflows", "etl.ts"), "export const changed = 1;\n");
    writeFileSync(path.join(repo, "new.ts"), "\n");
    git(repo, "mv", "package.json", "package.moved.json");
    // Read once per folder and process: another folder of the same checkout sees the change.
    const dirty = await codeIdentity(repo);
    expect(dirty.git).toMatchObject({ commit, clean: false });
    expect([...dirty.git!.dirty].sort()).toEqual(["new.ts", "package.moved.json", "workflows/etl.ts"]);
  });

  it("has no git identity outside a checkout, and no package without a package.json", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wfkit-code-none-"));
    const identity = await codeIdentity(dir);
    expect(identity.git).toBeNull();
    expect(identity.package).toBeNull();
  });
});
