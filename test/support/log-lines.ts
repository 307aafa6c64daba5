/**
 * wfkit's JSON log lines in some output, parsed. Lines may carry a prefix and a suffix (Airflow
 * wraps each line of a task's output in its own timestamp, level and logger name): the JSON is
 * what lies between the first `{` and the last `}`. Other lines are skipped.
 */
export function logLines(text: string): Record<string, unknown>[] {
  return text.split("\n").flatMap((line) => {
    const json = line.slice(line.indexOf("{"), line.lastIndexOf("}") + 1);
    if (!json.startsWith(`{"timestamp"`)) return [];
    try {
      return [JSON.parse(json) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
