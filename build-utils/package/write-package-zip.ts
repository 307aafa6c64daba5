import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { errorMessage, wfkitPackage } from "../../src/engine.js";
import { checkOutputFiles, outputBytes, removeStaleTemporaries, temporaryPath, type OutputFile } from "../export/index.js";
import { PackageError, PackageWriteError } from "./errors.js";
import { gitInfo } from "./git-info.js";
import { MANIFEST_PATH, manifestJson, PackageManifestSchema, type ManifestWorkflow, type PackageManifest } from "./manifest.js";
import { entryDate, zipBytes } from "./zip-bytes.js";

/** What the manifest says besides the files. */
export interface PackageManifestInput {
  package: { name: string; version: string };
  /** Target engine, e.g. `{ name: "airflow", version: "3" }`. */
  engine: { name: string; version: string };
  workflows: ManifestWorkflow[];
  /** Where the sources live, for the git commit and dirty flag. */
  sourceRoot: string;
}

/**
 * Write a workflow package artifact: a zip of `files` plus `manifest.json` (first entry) with
 * the package, wfkit's version, the target engine, each workflow (sorted by dagId), each
 * file's SHA-256 and size (sorted by path), and the git commit of `sourceRoot`.
 *
 * Deterministic: equal input gives a byte-identical zip (sorted entries, one fixed entry date,
 * 1980-01-01 or SOURCE_DATE_EPOCH, fixed permissions, no timestamp in the manifest). Atomic:
 * written to a temporary file next to `outFile`, then renamed over it; on error nothing is left
 * behind. Throws PackageError for bad input (e.g. a workflow whose file is not in `files`) and
 * PackageWriteError when writing fails. Returns the manifest written.
 */
export async function writePackageZip(outFile: string, files: readonly OutputFile[], input: PackageManifestInput): Promise<PackageManifest> {
  checkOutputFiles(files);
  if (files.some((f) => f.path.toLowerCase() === MANIFEST_PATH)) {
    throw new PackageError(`${MANIFEST_PATH} is written by wfkit; rename the file you pass with that path`);
  }
  const date = entryDate();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ name: f.path, data: outputBytes(f) }));
  const manifest = checkManifest({
    manifestVersion: 1,
    package: { name: input.package.name, version: input.package.version },
    wfkit: { version: wfkitPackage().version },
    engine: { name: input.engine.name, version: input.engine.version },
    workflows: input.workflows
      .map((w) => ({ dagId: w.dagId, name: w.name, version: w.version, dagHash: w.dagHash, file: w.file, tasks: [...w.tasks], module: w.module, exportName: w.exportName }))
      .sort((a, b) => (a.dagId < b.dagId ? -1 : a.dagId > b.dagId ? 1 : 0)),
    files: sorted.map((f) => ({ path: f.name, sha256: createHash("sha256").update(f.data).digest("hex"), size: f.data.byteLength })),
    git: await gitInfo(input.sourceRoot),
  });
  const zip = await zipBytes([{ name: MANIFEST_PATH, data: Buffer.from(manifestJson(manifest), "utf8") }, ...sorted], date);
  await writeFileAtomically(path.resolve(outFile), zip);
  return manifest;
}

function checkManifest(manifest: PackageManifest): PackageManifest {
  const parsed = PackageManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(manifest)"}: ${i.message}`).join("; ");
    throw new PackageError(`the package manifest is invalid: ${problems}; fix what it is made from (the package.json's name and version, the workflows exported)`);
  }
  const paths = new Set(manifest.files.map((f) => f.path));
  const seen = new Set<string>();
  for (const w of manifest.workflows) {
    if (seen.has(w.dagId)) throw new PackageError(`workflow ${w.dagId} is listed twice; a package holds each dag id once: list it once`);
    seen.add(w.dagId);
    if (!paths.has(w.file)) throw new PackageError(`workflow ${w.dagId} names file ${w.file}, which is not among the files to package; pass its DAG file or notebook too`);
  }
  return manifest;
}

async function writeFileAtomically(target: string, bytes: Uint8Array): Promise<void> {
  const stats = await fs.stat(target).catch(() => undefined);
  if (stats?.isDirectory()) throw new PackageError(`${target} is a directory; give the artifact a file path such as dist/my-pipelines-1.0.0.zip`);
  const temporary = temporaryPath(target, "tmp");
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await removeStaleTemporaries(target);
    const handle = await fs.open(temporary, "wx");
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw new PackageWriteError(`cannot write ${target}: ${errorMessage(error)}; nothing was written`, { cause: error });
  }
}
