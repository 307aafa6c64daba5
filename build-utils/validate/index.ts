/** Validate every workflow of a set of files. */
export { validateFiles, type FileReport, type WorkflowReport } from "./validate-files.js";
