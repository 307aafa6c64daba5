"""Driver for wfkit's real-Airflow tests, run by test/support/airflow.ts inside the Airflow venv.

    python airflow_driver.py REQUEST.json RESULT.json

REQUEST is {"command": "dagbag"} or {"command": "test", "runs": [{"dagId": ..., "conf": {...}}]}.
The answer goes to RESULT, not stdout: Airflow prints logs and warnings there.
Works with Airflow 2.x and 3.x.
"""

import contextlib
import datetime
import json
import os
import re
import sys
import tempfile
import traceback

try:
    import airflow.sdk  # noqa: F401  (only Airflow 3 has it)

    MAJOR = 3
except ImportError:
    MAJOR = 2

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NOT_SET = object()


def dag_bag():
    folder = os.environ["AIRFLOW__CORE__DAGS_FOLDER"]
    if MAJOR == 3:
        from airflow.dag_processing.dagbag import DagBag

        return DagBag(dag_folder=folder)
    from airflow.models import DagBag

    return DagBag(folder, include_examples=False)


def jsonable(value):
    """Param defaults and env values as JSON (datetimes and the like as strings)."""
    return json.loads(json.dumps(value, default=str))


def literal_value(value):
    """(is it wrapped in airflow's `literal`, the wrapped or plain value)."""
    if type(value).__name__ == "LiteralValue":
        return True, value.value
    return False, value


def param_info(param):
    try:
        default = param.value
    except Exception:  # some versions raise for a Param without a default
        default = NOT_SET
    has_default = type(default).__name__ != "ArgNotSet" and default is not NOT_SET
    return {
        "default": jsonable(default) if has_default else None,
        "hasDefault": has_default,
        "description": param.description,
        "schema": jsonable(param.schema),
    }


def task_info(task):
    literal = []
    env = getattr(task, "env", None)
    if env is not None:
        plain = {}
        for key, value in env.items():
            wrapped, value = literal_value(value)
            if wrapped:
                literal.append(f"env.{key}")
            plain[key] = str(value)
        env = plain
    command = getattr(task, "bash_command", None)
    if command is not None:
        wrapped, command = literal_value(command)
        if wrapped:
            literal.append("bash_command")
    delay = task.retry_delay
    return {
        "taskId": task.task_id,
        "upstream": sorted(task.upstream_task_ids),
        "downstream": sorted(task.downstream_task_ids),
        "retries": task.retries,
        "retryDelaySeconds": delay.total_seconds() if isinstance(delay, datetime.timedelta) else float(delay),
        "queue": task.queue,
        "operator": task.task_type,
        "bashOperator": any(c.__name__ == "BashOperator" for c in type(task).__mro__),
        "env": env,
        "bashCommand": None if command is None else str(command),
        "literal": literal,
    }


def dag_info(dag):
    # 3.x keeps the `schedule` argument as given; 2.x keeps it as `schedule_interval`.
    schedule = getattr(dag, "schedule", None) if MAJOR == 3 else dag.schedule_interval
    return {
        "dagId": dag.dag_id,
        "fileloc": dag.fileloc,
        "tags": sorted(dag.tags or []),
        "schedule": None if schedule is None else str(schedule),
        "catchup": bool(dag.catchup),
        "docMd": dag.doc_md,
        "params": {key: param_info(dag.params.get_param(key)) for key in dag.params},
        "tasks": [task_info(task) for task in sorted(dag.tasks, key=lambda t: t.task_id)],
    }


def load():
    bag = dag_bag()
    return {
        "major": MAJOR,
        "importErrors": {path: str(error) for path, error in bag.import_errors.items()},
        "dags": [dag_info(bag.dags[dag_id]) for dag_id in sorted(bag.dags)],
    }


@contextlib.contextmanager
def captured_output(into):
    """Put everything written to fds 1 and 2 meanwhile in into["text"] (Airflow's loggers hold their
    own stream objects, so only a redirect at the fd level catches them all); also pass it on to the
    real stdout."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            raw = sink.read()
            os.write(1, raw)
            into["text"] = ANSI.sub("", raw.decode("utf-8", "replace"))


def capture_task_logs(logs):
    """Wrap dag.test()'s per-task runner so each attempt's log text lands in logs[(run_id, task_id)].

    Neither version writes task log files in dag.test(): they log to the console."""
    if MAJOR == 3:
        import airflow.sdk.definitions.dag as module
    else:
        import airflow.models.dag as module
    original = module._run_task

    def run_task(*args, **kwargs):
        ti = kwargs["ti"]
        attempt = {"text": ""}
        logs.setdefault((ti.run_id, ti.task_id), []).append(attempt)
        with captured_output(attempt):
            return original(*args, **kwargs)

    module._run_task = run_task


def enum_text(state):
    """A state as its plain value ("success"), None as None."""
    return None if state is None else str(getattr(state, "value", state))


def test_runs(runs):
    bag = dag_bag()
    logs = {}
    capture_task_logs(logs)
    reports = []
    for run in runs:
        dag_id = run["dagId"]
        dag = bag.get_dag(dag_id)
        if dag is None:
            reports.append({"dagId": dag_id, "state": "error", "runId": "", "tasks": [], "error": f"no DAG {dag_id!r} in the DagBag"})
            continue
        try:
            kwargs = {}
            if run.get("logicalDate"):
                date = datetime.datetime.fromisoformat(run["logicalDate"].replace("Z", "+00:00"))
                kwargs["logical_date" if MAJOR == 3 else "execution_date"] = date
            dag_run = dag.test(run_conf=run.get("conf"), **kwargs)
        except Exception as error:  # e.g. ParamValidationError: the conf is rejected before any task runs
            reports.append(
                {
                    "dagId": dag_id,
                    "state": "error",
                    "runId": "",
                    "tasks": [],
                    "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(),
                }
            )
            continue
        tasks = []
        for ti in sorted(dag_run.get_task_instances(), key=lambda t: t.task_id):
            attempts = logs.get((dag_run.run_id, ti.task_id), [])
            tasks.append(
                {
                    "taskId": ti.task_id,
                    "state": enum_text(ti.state),
                    "tryNumber": ti.try_number,
                    "log": "".join(attempt["text"] for attempt in attempts),
                    "attemptLogs": [attempt["text"] for attempt in attempts],
                }
            )
        reports.append(
            {
                "dagId": dag_id,
                "state": enum_text(dag_run.state),
                "runId": dag_run.run_id,
                "tasks": tasks,
            }
        )
    return {"major": MAJOR, "runs": reports}


def main():
    request_path, result_path = sys.argv[1], sys.argv[2]
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    if request["command"] == "dagbag":
        result = load()
    elif request["command"] == "test":
        result = test_runs(request["runs"])
    else:
        raise SystemExit(f"unknown command {request['command']!r}")
    with open(result_path + ".part", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(result_path + ".part", result_path)


if __name__ == "__main__":
    main()
