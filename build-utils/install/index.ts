/** Install workflow package versions on Airflow workers (`wf install`). */
export { installWorkflowPackage, type InstallResult, type InstallOptions } from "./install-package.js";
export { compileWorkflowModules, type CompileResult } from "./compile-workflows.js";
export { InstallError, InstallNpmError, InstallRootError } from "./errors.js";
