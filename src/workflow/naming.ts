/** Characters allowed in workflow names, dag ids and task names (Airflow's dag_id/task_id rule). */
export const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Longest workflow name. */
export const MAX_NAME_LENGTH = 100;
/** The longest tag Airflow stores (its `dag_tag.name` column); the workflow's tags and version become DAG tags. */
export const MAX_TAG_LENGTH = 100;

/** The parts a workflow name is made of. */
export interface NameParts {
  category: string;
  detail?: string | undefined;
  inputData?: string | undefined;
  outputData?: string | undefined;
}

/**
 * `${inputData}_to_${outputData}_${category}` plus `_${detail}` when given (dkist-processing-core's
 * rule). Without input/output data the name starts at the category; with only one of them,
 * `${inputData}_…` or `to_${outputData}_…`.
 */
export function workflowName(parts: NameParts): string {
  const { category, detail, inputData, outputData } = parts;
  const io =
    inputData && outputData
      ? `${inputData}_to_${outputData}`
      : inputData
        ? inputData
        : outputData
          ? `to_${outputData}`
          : undefined;
  return [io, category, detail].filter((p) => p !== undefined && p !== "").join("_");
}

/** `${name}_${version}`. */
export function dagId(name: string, version: string): string {
  return `${name}_${version}`;
}

/** The characters of `text` that are not allowed in names, each once, quoted. */
export function badNameCharacters(text: string): string[] {
  const bad = new Set<string>();
  for (const ch of text) if (!/[A-Za-z0-9._-]/.test(ch)) bad.add(ch);
  return [...bad].map((ch) => (ch === " " ? "' ' (space)" : JSON.stringify(ch)));
}
