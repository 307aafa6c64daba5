/** Workflow package artifacts: a deterministic zip of exported files with a manifest. */
export { writePackageZip, type PackageManifestInput } from "./write-package-zip.js";
export {
  MANIFEST_PATH,
  PackageManifestSchema,
  ManifestWorkflowSchema,
  type ManifestFile,
  type ManifestWorkflow,
  type PackageManifest,
} from "./manifest.js";
export { PackageError, PackageConfigError, PackageWriteError } from "./errors.js";
