import { WfkitError } from "../errors/wfkit-error.js";

/** A run id that is not safe to use as a folder name or an Airflow run id. */
export class InvalidRunIdError extends WfkitError {}

/** The run directory cannot be created or written (a read-only or full WF_HOME). */
export class RunDirError extends WfkitError {}
