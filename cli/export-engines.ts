/** The engines `wf export` and `wf package` write for (the CLI's `--engine` choices). */
export const EXPORT_ENGINES = ["airflow", "notebook"] as const;
/** An engine `wf export` and `wf package` write for. */
export type ExportEngine = (typeof EXPORT_ENGINES)[number];
