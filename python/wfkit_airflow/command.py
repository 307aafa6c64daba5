"""The command that runs one task of a wfkit stub DAG, from the DAG file's marker line.

Nothing here imports Airflow. :func:`command_for` never raises: what is wrong becomes the command
of :mod:`wfkit_airflow.refuse`, which fails the task instance with the reason in its log.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping

#: The supervisor wire schema ``wf run-task`` speaks (the one Airflow 3.3.2 knows).
SCHEMA_VERSION = "2026-06-16"
#: How the line of a stub DAG that says what to run starts; one line of JSON follows.
MARKER_PREFIX = "# wfkit-sdk-task: "
#: The marker is looked for in this many lines from the top of the DAG file.
MARKER_MAX_LINES = 60
#: A line longer than this is not read whole (the marker is a few hundred bytes).
MAX_LINE_BYTES = 64 * 1024
#: The marker's keys, all strings.
MARKER_KEYS = ("dagHash", "dagId", "installRoot", "module", "package", "version", "workflow")

# What encodeURIComponent leaves as it is: npm's "URL-friendly characters" of a package name.
_URL_FRIENDLY = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SCOPED = re.compile(r"@([^/]+?)/([^/]+?)")
_NOT_PACKAGE_NAMES = ("node_modules", "favicon.ico")
# Semver as `semver.valid` writes it, with build metadata after it (build-utils/install's rule).
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?"
    r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)
_MAX_VERSION_LENGTH = 256


class Refusal(Exception):
    """The task cannot be started; the message says why and what to do."""


def check_package_name(name: str) -> None:
    """npm's rule for a package name (validate-npm-package-name, valid for old packages), as ``wf install``'s."""
    problems = []
    if name == "":
        problems.append("name length must be greater than zero")
    if name.startswith("."):
        problems.append("name cannot start with a period")
    if name.startswith("-"):
        problems.append("name cannot start with a hyphen")
    if name.startswith("_"):
        problems.append("name cannot start with an underscore")
    if name.strip() != name:
        problems.append("name cannot contain leading or trailing spaces")
    if name.lower() in _NOT_PACKAGE_NAMES:
        problems.append(f"{name.lower()} is not a valid package name")
    if not _URL_FRIENDLY.fullmatch(name):
        scoped = _SCOPED.fullmatch(name)
        if scoped is None or not all(_URL_FRIENDLY.fullmatch(part) for part in scoped.groups()):
            problems.append("name can only contain URL-friendly characters")
        elif scoped.group(2).startswith("."):
            problems.append("name cannot start with a period")
    if problems:
        raise Refusal(f"package {json.dumps(name)} is not a valid npm package name ({'; '.join(problems)})")


def check_version(name: str, version: str) -> None:
    """A semver version as ``wf install`` installs it (``1.2.0``, ``1.2.0-rc.1``, ``1.2.0+build.5``)."""
    if len(version) > _MAX_VERSION_LENGTH or not _SEMVER.fullmatch(version):
        raise Refusal(f"{name} has the version {json.dumps(version)}, which is not a semver version like 1.2.0")


def install_dir(root: str, name: str, version: str) -> str:
    """``<root>/<name>/<version>``, proven to lie inside the root (name and version were checked)."""
    dir_ = os.path.normpath(os.path.join(root, *name.split("/"), version))
    inside = os.path.relpath(dir_, root)
    if inside != os.path.join(*name.split("/"), version) or os.path.isabs(inside) or inside.startswith(".."):
        raise Refusal(f"{name}@{version} would be at {dir_}, outside its folder in the install root {root}")
    return dir_


def read_marker(path: str | os.PathLike[str]) -> dict[str, str]:
    """The marker of a stub DAG file: its JSON, checked. Raises Refusal."""
    prefix = MARKER_PREFIX.encode("ascii")
    try:
        with open(path, "rb") as f:
            for _ in range(MARKER_MAX_LINES):
                line = f.readline(MAX_LINE_BYTES + 1)
                if not line:
                    break
                if line.startswith(prefix):
                    return _parse_marker(path, line)
    except OSError as error:
        raise Refusal(f"cannot read the DAG file {os.fspath(path)}: {error.strerror or error}") from None
    raise Refusal(
        f"{os.fspath(path)} is not a stub DAG of wfkit: it has no {MARKER_PREFIX.strip()!r} line in its first "
        f"{MARKER_MAX_LINES} lines, yet [sdk] queue_to_coordinator routes this task's queue to wfkit's coordinator. "
        "Route only the queues of stub DAGs (`wf export --engine airflow --runtime sdk`) to it, or export this DAG that way"
    )


def _parse_marker(path: str | os.PathLike[str], line: bytes) -> dict[str, str]:
    fix = "export the DAG again with `wf export --engine airflow --runtime sdk`"
    if len(line) > MAX_LINE_BYTES:
        raise Refusal(f"the {MARKER_PREFIX.strip()!r} line of {os.fspath(path)} is longer than {MAX_LINE_BYTES} bytes: {fix}")
    text = line[len(MARKER_PREFIX) :].rstrip(b"\r\n")
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Refusal(f"the {MARKER_PREFIX.strip()!r} line of {os.fspath(path)} is not JSON ({error}): {fix}") from None
    if not isinstance(data, dict):
        raise Refusal(f"the {MARKER_PREFIX.strip()!r} line of {os.fspath(path)} is not a JSON object: {fix}")
    bad = [key for key in MARKER_KEYS if not isinstance(data.get(key), str) or data[key] == ""]
    if bad:
        raise Refusal(f"the {MARKER_PREFIX.strip()!r} line of {os.fspath(path)} lacks {', '.join(bad)} (non-empty strings): {fix}")
    return {key: data[key] for key in MARKER_KEYS}


def _check_module(module: str) -> None:
    if module.startswith("/") or "\\" in module or ".." in module.split("/"):
        raise Refusal(f"module path {json.dumps(module)} is not a POSIX path inside the package")


def _option(flag: str, value: str) -> list[str]:
    # `wf run-task` reads its options strictly: a value that starts with "-" goes after "=".
    return [f"{flag}={value}"] if value.startswith("-") else [flag, value]


def task_command(
    *,
    marker: Mapping[str, str],
    task_id: str,
    install_root: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """The ``wf run-task`` command of one task (without ``--comm``/``--logs``). Raises Refusal."""
    package, version = marker["package"], marker["version"]
    check_package_name(package)
    check_version(package, version)
    _check_module(marker["module"])
    root = install_root or environ.get("WF_INSTALL_ROOT") or marker["installRoot"]
    root = os.path.expanduser(root)
    if not os.path.isabs(root):
        raise Refusal(f"the install root {json.dumps(root)} is not an absolute path: give the coordinator an absolute install_root")
    root = os.path.normpath(root)
    dir_ = install_dir(root, package, version)
    wf = os.path.join(dir_, "node_modules", ".bin", "wf")
    if not (os.path.isfile(wf) and os.access(wf, os.X_OK)):
        raise Refusal(
            f"{package}@{version} is not installed on this worker ({wf} is missing). "
            f"Install it once per worker: wf install {package}@{version} --root {root} "
            "(or give wf install the package's packed tarball instead of the npm spec)"
        )
    package_dir = os.path.join(dir_, "node_modules", *package.split("/"))
    module = os.path.normpath(os.path.join(package_dir, *marker["module"].split("/")))
    if os.path.commonpath([package_dir, module]) != package_dir:
        raise Refusal(f"module path {json.dumps(marker['module'])} is not inside the package")
    if not os.path.isfile(module):
        raise Refusal(
            f"{package}@{version} at {dir_} has no module {marker['module']}: the install is not the package the DAG was "
            f"exported from; remove {dir_} and run wf install {package}@{version} --root {root} again"
        )
    command = [
        wf,
        "run-task",
        module,
        *_option("--task", task_id),
        *_option("--workflow", marker["workflow"]),
        *_option("--dag-id", marker["dagId"]),
        *_option("--dag-hash", marker["dagHash"]),
    ]
    if any("\0" in part for part in command):
        raise Refusal("a value of the DAG's marker line or the task id holds a NUL character, which no command line can carry")
    return command


def crash_exit_code(exit_code: object) -> int | None:
    """
    The shell-style exit code (128 + the signal) of a task process that died by a signal, else
    None. Popen gives a death by signal N as -N; a process that re-raised it exits 128 + N.
    """
    if not isinstance(exit_code, int):
        return None
    if exit_code < 0:
        return 128 - exit_code
    return exit_code if exit_code > 128 else None


def crash_report_command(command: list[str], code: int, run_id: str, attempt: int) -> list[str]:
    """
    ``wf run-task --report-crash``, the BashOperator runtime's check after a death by signal, for
    a task process that *command* started: ``task.crashed`` in events.jsonl, the run log and on
    the bus, unless the task had reported how it ended. *run_id* is wfkit's run id.
    """
    return [*command, *_option("--report-crash", str(code)), *_option("--run-id", run_id), *_option("--attempt", str(attempt))]


def wfkit_run_id(conf: object, airflow_run_id: str) -> str:
    """wfkit's run id, as the task process takes it: the DAG run's conf ``run_id`` when given, else Airflow's."""
    given = conf.get("run_id") if isinstance(conf, Mapping) else None
    return airflow_run_id if given is None or given == "" else str(given)


def refusal_command(message: str) -> list[str]:
    """The command that fails the task instance with ``message`` in its log (:mod:`wfkit_airflow.refuse`)."""
    return [sys.executable, "-m", "wfkit_airflow.refuse", message.replace("\0", "\\0")]


def is_refusal(command: list[str]) -> bool:
    """Whether a command of :func:`command_for` is a refusal."""
    return command[1:3] == ["-m", "wfkit_airflow.refuse"]


def command_for(
    *,
    dag_file: str | os.PathLike[str] | None,
    dag_id: str,
    task_id: str,
    install_root: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> tuple[list[str], str]:
    """The command (and wire schema version) for one task of the DAG file; never raises."""
    where = f"{dag_id}.{task_id}"
    try:
        if dag_file is None:
            raise Refusal("the coordinator was not told which DAG file the task is from (execute_task was bypassed)")
        marker = read_marker(dag_file)
        if marker["dagId"] != dag_id:
            raise Refusal(f"{os.fspath(dag_file)} was exported for the DAG {marker['dagId']}, not {dag_id}: export the DAG again")
        return task_command(marker=marker, task_id=task_id, install_root=install_root, environ=environ), SCHEMA_VERSION
    except Refusal as refusal:
        return refusal_command(f"wfkit: cannot run {where}: {refusal}"), SCHEMA_VERSION
    except Exception as error:  # a bug here must still not leave the task instance in a bad state
        return refusal_command(f"wfkit: cannot run {where}: {type(error).__name__}: {error} (a bug in wfkit's coordinator; please report it)"), SCHEMA_VERSION
