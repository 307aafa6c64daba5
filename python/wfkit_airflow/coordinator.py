"""WfkitCoordinator: runs the tasks of wfkit's stub DAGs with ``wf run-task`` (see the package docstring)."""

from __future__ import annotations

import contextvars
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import structlog

from airflow.sdk.coordinators._subprocess import SubprocessCoordinator
from wfkit_airflow.command import (
    SCHEMA_VERSION,
    command_for,
    crash_exit_code,
    crash_report_command,
    is_refusal,
    refusal_command,
    wfkit_run_id,
)

if TYPE_CHECKING:
    from airflow.sdk.api.datamodels._generated import BundleInfo, TaskInstance
    from airflow.sdk.execution_time.coordinator import BaseCoordinator

log = structlog.get_logger(logger_name="coordinators.wfkit")

# The DAG file of the task execute_task is starting: Airflow gives it to execute_task but not to
# _build_execute_task_command, which execute_task calls. A context variable, not an attribute:
# the class is slotted (attrs), and one coordinator instance may start tasks in several threads.
_starting: contextvars.ContextVar[tuple[str | os.PathLike[str], Any] | None] = contextvars.ContextVar(
    "wfkit_airflow_starting", default=None
)
# The command _build_execute_task_command chose for the task execute_task is running.
_started: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("wfkit_airflow_started", default=None)

#: Seconds ``wf run-task --report-crash`` may take.
CRASH_REPORT_TIMEOUT = 60


def dag_file_path(dag_rel_path: str | os.PathLike[str], bundle_info: BundleInfo) -> Path:
    """The task's DAG file on this worker, as Airflow's task runner finds it: its bundle's path and the relative path."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager

    bundle = DagBundlesManager().get_bundle(name=bundle_info.name, version=bundle_info.version)
    bundle.initialize()
    return Path(bundle.path, dag_rel_path)


@attrs.define(kw_only=True)
class WfkitCoordinator(SubprocessCoordinator):
    """
    Runs a task of a stub DAG exported by ``wf export --engine airflow --runtime sdk``.

    Configured in ``[sdk] coordinators``::

        "wfkit": {"classpath": "wfkit_airflow.WfkitCoordinator", "kwargs": {"install_root": "/opt/wfkit"}}

    :param install_root: Where ``wf install`` put the workflow packages on this worker; else
        ``WF_INSTALL_ROOT`` in the worker's environment, else the DAG's ``installRoot``.
    :param task_startup_timeout: Seconds ``wf run-task`` has to connect to the supervisor
        (default 10).
    """

    install_root: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str)))

    def execute_task(
        self,
        *,
        what: TaskInstance,
        dag_rel_path: str | os.PathLike[str],
        bundle_info: BundleInfo,
        **kwargs: Any,
    ) -> BaseCoordinator.ExecutionResult:
        token = _starting.set((dag_rel_path, bundle_info))
        started = _started.set(None)
        try:
            result = super().execute_task(what=what, dag_rel_path=dag_rel_path, bundle_info=bundle_info, **kwargs)
            command = _started.get()
            code = crash_exit_code(result.exit_code)
            if command is not None and not is_refusal(command) and code is not None:
                self._report_crash(command, code, what, kwargs.get("client"), kwargs.get("logger"))
            return result
        finally:
            _started.reset(started)
            _starting.reset(token)

    def _report_crash(self, command: list[str], code: int, what: TaskInstance, client: Any, logger: Any) -> None:
        """
        After a death by signal (the OOM killer's SIGKILL, a V8 abort), what the BashOperator
        runtime's worker command does: ``wf run-task --report-crash``, so that the run log and the
        status events say how the attempt ended. Airflow marks the try by the exit code itself.
        """
        target = logger or log
        try:
            conf = client.dag_runs.get_detail(what.dag_id, what.run_id).conf if client is not None else None
        except Exception as error:  # the report goes on under Airflow's run id
            target.warning("wfkit: cannot read the DAG run's conf for the crash report", error=str(error))
            conf = None
        report = crash_report_command(command, code, wfkit_run_id(conf, what.run_id), what.try_number)
        try:
            done = subprocess.run(report, capture_output=True, text=True, timeout=CRASH_REPORT_TIMEOUT, check=False)
        except (OSError, subprocess.SubprocessError) as error:
            target.error("wfkit: the crash report failed", error=str(error), command=report)
            return
        for line in (done.stdout + done.stderr).splitlines():
            if line.strip():
                target.error(line) if done.returncode != 0 else target.info(line)

    def _build_execute_task_command(self, *, what: TaskInstance) -> tuple[list[str], str | None]:
        starting = _starting.get()
        if starting is None:
            return command_for(dag_file=None, dag_id=what.dag_id, task_id=what.task_id)
        dag_rel_path, bundle_info = starting
        return self.build_command(what=what, dag_rel_path=dag_rel_path, bundle_info=bundle_info)

    def build_command(
        self,
        *,
        what: TaskInstance,
        dag_rel_path: str | os.PathLike[str],
        bundle_info: BundleInfo,
    ) -> tuple[list[str], str]:
        """
        The command for *what* and the supervisor schema version: ``wf run-task`` of the installed
        package, or, when the task cannot be started, :mod:`wfkit_airflow.refuse`. Never raises.
        """
        try:
            dag_file = dag_file_path(dag_rel_path, bundle_info)
        except Exception as error:
            message = (
                f"wfkit: cannot run {what.dag_id}.{what.task_id}: cannot find its DAG file {os.fspath(dag_rel_path)} "
                f"in the bundle {getattr(bundle_info, 'name', bundle_info)!r}: {type(error).__name__}: {error}"
            )
            log.error("Cannot start a wfkit task", dag_id=what.dag_id, task_id=what.task_id, reason=message)
            return refusal_command(message), SCHEMA_VERSION
        command, version = command_for(
            dag_file=dag_file, dag_id=what.dag_id, task_id=what.task_id, install_root=self.install_root
        )
        if is_refusal(command):
            log.error("Cannot start a wfkit task", dag_id=what.dag_id, task_id=what.task_id, reason=command[3])
        else:
            log.info("Starting a wfkit task", dag_id=what.dag_id, task_id=what.task_id, command=command)
        _started.set(command)
        return command, version
