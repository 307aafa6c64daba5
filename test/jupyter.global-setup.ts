// Finds or builds Jupyter and the tslab kernel once per vitest run, registers the kernel into a
// temp Jupyter dir for this run, and hands the result to the tests (jupyterAvailability in
// test/support/jupyter.ts). Under CI=true a missing Jupyter fails the run; elsewhere the tests that
// need it are skipped with the reason, and this prints it once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureJupyter } from "./support/jupyter.js";

/** vitest globalSetup: provide what was found; the teardown removes this run's Jupyter dir. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const prefix = await mkdtemp(path.join(tmpdir(), "wfkit-jupyter-"));
  const removePrefix = () => rm(prefix, { recursive: true, force: true });
  const found = await ensureJupyter(prefix);
  if (!found.ok && process.env["CI"] === "true") {
    await removePrefix();
    throw new Error(`real Jupyter with the tslab kernel is required under CI=true:\n${found.reason}`);
  }
  if (found.ok) {
    const { versions, tslabVersion } = found.install;
    console.log(`[jupyter] jupyterlab ${versions["jupyterlab"]}, tslab ${tslabVersion} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.warn(`[jupyter] skipping the tests that need it: ${found.reason.split("\n")[0]}`);
  }
  project.provide("wfkitJupyter", found);
  return removePrefix;
}
