/** The engines `wf export` and `wf package` write for (the CLI's `--engine` choices). */
export const EXPORT_ENGINES = ["airflow", "notebook"] as const;
/** An engine `wf export` and `wf package` write for. */
export type ExportEngine = (typeof EXPORT_ENGINES)[number];
/** How the tasks of an exported Airflow DAG run (`wf export --engine airflow --runtime`). */
export const AIRFLOW_RUNTIMES = ["bash", "sdk"] as const;
/** How the tasks of an exported Airflow DAG run. */
export type AirflowRuntime = (typeof AIRFLOW_RUNTIMES)[number];
