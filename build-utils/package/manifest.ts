import * as z from "zod";

/** The manifest's own path in the archive. */
export const MANIFEST_PATH = "manifest.json";

/** One workflow in an artifact. */
export interface ManifestWorkflow {
  dagId: string;
  name: string;
  version: string;
  /** The workflow's `dagHash()`. */
  dagHash: string;
  /** Archive path of its DAG file or notebook. */
  file: string;
  /** Task names. */
  tasks: string[];
  /** POSIX path of the module exporting it, relative to the package root. */
  module: string;
  exportName: string;
}

/** One file of an artifact, as the manifest records it. */
export interface ManifestFile {
  path: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  size: number;
}

/** `manifest.json` of a workflow package artifact. Holds no timestamp, so that equal inputs give equal bytes. */
export interface PackageManifest {
  manifestVersion: 1;
  package: { name: string; version: string };
  wfkit: { version: string };
  /** Target engine and its version, e.g. `{ name: "airflow", version: "3" }`. */
  engine: { name: string; version: string };
  /** Sorted by dagId. */
  workflows: ManifestWorkflow[];
  /** Every file of the archive but manifest.json, sorted by path. */
  files: ManifestFile[];
  /** The checkout the sources came from; null when they are not in a git checkout (or git is missing). */
  git: { commit: string; dirty: boolean } | null;
}

const text = z.string().min(1);
const NameVersionSchema = z.object({ name: text, version: text }).strict();

/** Schema of ManifestWorkflow. */
export const ManifestWorkflowSchema = z
  .object({ dagId: text, name: text, version: text, dagHash: text, file: text, tasks: z.array(text), module: text, exportName: text })
  .strict();

/** Schema of manifest.json, for the tools that read artifacts. */
export const PackageManifestSchema = z
  .object({
    manifestVersion: z.literal(1),
    package: NameVersionSchema,
    wfkit: z.object({ version: text }).strict(),
    engine: NameVersionSchema,
    workflows: z.array(ManifestWorkflowSchema),
    files: z.array(z.object({ path: text, sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }).strict()),
    git: z.object({ commit: text, dirty: z.boolean() }).strict().nullable(),
  })
  .strict() satisfies z.ZodType<PackageManifest>;

/** The manifest as written: fixed key order, 2-space indent, trailing newline. */
export function manifestJson(manifest: PackageManifest): string {
  const ordered: PackageManifest = {
    manifestVersion: manifest.manifestVersion,
    package: { name: manifest.package.name, version: manifest.package.version },
    wfkit: { version: manifest.wfkit.version },
    engine: { name: manifest.engine.name, version: manifest.engine.version },
    workflows: manifest.workflows.map((w) => ({
      dagId: w.dagId,
      name: w.name,
      version: w.version,
      dagHash: w.dagHash,
      file: w.file,
      tasks: [...w.tasks],
      module: w.module,
      exportName: w.exportName,
    })),
    files: manifest.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
    git: manifest.git === null ? null : { commit: manifest.git.commit, dirty: manifest.git.dirty },
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
