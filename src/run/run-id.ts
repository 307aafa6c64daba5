import * as z from "zod";

/** A run id: safe as a folder name and as an Airflow run id. */
export const RunIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,249}$/,
    "a run id is 1-250 characters: ASCII letters, digits, '.', '_', ':', '+', '-', starting with a letter or digit",
  );

// In a module of its own, free of zod, for the task supervisor's first milliseconds.
export { newRunId } from "./new-run-id.js";
