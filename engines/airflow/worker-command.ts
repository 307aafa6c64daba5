/**
 * The shell command every generated operator runs. It is fixed text: everything that varies
 * (package, version, module, task…) reaches it through the operator's environment, so no value
 * of a user is ever parsed by bash or Jinja. It finds the workflow package's own `wf` under
 * `$WF_INSTALL_ROOT/<package>/<version>/` and fails with install instructions when that version
 * is not on the worker (exit 2).
 *
 * The task runs in one process, `wf run-task`. When that process dies by a signal (exit code 128
 * + n: the OOM killer's SIGKILL, a V8 heap abort), `wf run-task --report-crash` reports
 * `task.crashed` unless the task had reported how it ended (a stop by SIGTERM has): supervision
 * costs a second process only after a death. SIGTERM/SIGINT reach the task process from Airflow
 * (it signals the whole process group); the trap keeps this shell alive until the task process
 * has ended, so that the check still runs.
 */
export const WORKER_COMMAND = [
  'wf_root="${WF_INSTALL_ROOT:-$WF_DEFAULT_INSTALL_ROOT}"',
  'wf_dir="$wf_root/$WF_PACKAGE/$WF_PACKAGE_VERSION"',
  'if [ ! -x "$wf_dir/node_modules/.bin/wf" ]; then',
  '  echo "wfkit: $WF_PACKAGE@$WF_PACKAGE_VERSION is not installed on this worker ($wf_dir/node_modules/.bin/wf is missing). Install it once per worker: wf install <tarball or npm spec of $WF_PACKAGE@$WF_PACKAGE_VERSION> --root $wf_root" >&2',
  "  exit 2",
  "fi",
  "trap : TERM INT",
  '"$wf_dir/node_modules/.bin/wf" run-task "$wf_dir/node_modules/$WF_PACKAGE/$WF_MODULE"',
  "wf_code=$?",
  'if [ "$wf_code" -gt 128 ]; then "$wf_dir/node_modules/.bin/wf" run-task --report-crash "$wf_code" "$wf_dir/node_modules/$WF_PACKAGE/$WF_MODULE"; fi',
  'exit "$wf_code"',
  "",
].join("\n");

/** Jinja expressions of the operator environment (fixed text, rendered by Airflow per task run). */
export const RUNTIME_ENV = {
  WF_RUN_ID: "{{ wf_run_id(dag_run, run_id) }}",
  WF_PARAMS: "{{ wf_params(params, dag_run) }}",
  WF_ATTEMPT: "{{ ti.try_number }}",
  WF_LOGICAL_DATE: "{{ wf_date(dag_run, 'logical_date') }}",
  WF_DATA_INTERVAL_START: "{{ wf_date(dag_run, 'data_interval_start') }}",
  WF_DATA_INTERVAL_END: "{{ wf_date(dag_run, 'data_interval_end') }}",
  WF_TRACE_CONTEXT: "{{ wf_trace_context(dag_run) }}",
} as const;

/** Airflow's BashOperator marks a task skipped when its command exits with this code. */
export const SKIP_EXIT_CODE = 99;
