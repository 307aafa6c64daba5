/** Install workflow package versions on Airflow workers (`wf install`). */
export { installWorkflowPackage, type InstallResult } from "./install-package.js";
export { InstallError, InstallNpmError, InstallRootError } from "./errors.js";
