import { WfkitError } from "../../src/index.js";

/** A workflow that cannot become an Airflow DAG (a tag too long, a default with no JSON form…). */
export class AirflowExportError extends WfkitError {}

/** `wf run-task` cannot run the task it was asked for (unknown task, code that differs from the DAG…). */
export class AirflowTaskError extends WfkitError {}
