"""wfkit's coordinator for Airflow's SDK runtime (Airflow 3.3 and later).

``wf export --engine airflow --runtime sdk`` writes one stub DAG per workflow version: the same
dag id, params, settings, docs and edges as the BashOperator DAG, each task a ``@task.stub`` on
the queue ``wfkit`` (or on its own queue when it has one other than ``default``), and near the
top one line that says what to run::

    # wfkit-sdk-task: {"dagHash": …, "dagId": …, "installRoot": …, "module": …, "package": …, "version": …, "workflow": …}

An Airflow worker runs a task whose queue ``[sdk] queue_to_coordinator`` routes to a coordinator
of ``[sdk] coordinators`` through that coordinator. :class:`WfkitCoordinator` reads the line above
from the task's DAG file and starts the task's own process,
``<root>/<package>/<version>/node_modules/.bin/wf run-task <module> --task … --workflow …
--dag-id … --dag-hash …``, to which Airflow adds ``--comm`` and ``--logs``: the sockets over
which ``wf run-task`` speaks with Airflow's supervisor. The root is the coordinator's
``install_root``, else ``WF_INSTALL_ROOT`` on the worker, else the ``installRoot`` the DAG was
exported with; ``wf install <package>@<version> --root <root>`` puts the package there.

Configuration, on every worker (``pip install`` this package into Airflow's environment first)::

    AIRFLOW__SDK__COORDINATORS='{"wfkit": {"classpath": "wfkit_airflow.WfkitCoordinator", "kwargs": {"install_root": "/opt/wfkit"}}}'
    AIRFLOW__SDK__QUEUE_TO_COORDINATOR='{"wfkit": "wfkit"}'

(``[sdk] coordinators`` and ``[sdk] queue_to_coordinator`` in ``airflow.cfg``, both JSON.)
``queue_to_coordinator`` must route every queue of the stub DAGs' tasks to ``wfkit``: ``wfkit``
itself, and each queue of its own a task was given (the DAG file's header lists them); a stub task
on a queue that is not routed runs as Python and fails. ``kwargs``: ``install_root`` (optional,
see above) and ``task_startup_timeout`` (seconds ``wf run-task`` has to connect to the
supervisor; Airflow's default 10).

When the task cannot be started (the DAG file has no such line, or a bad one; the package
version is not installed on this worker) the coordinator does not raise, which would leave the
task instance in a bad state: it runs :mod:`wfkit_airflow.refuse` instead, which logs the reason
at level error in the task's log and fails the task instance without a retry, as bad
configuration is not cured by trying again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["WfkitCoordinator"]

if TYPE_CHECKING:
    from wfkit_airflow.coordinator import WfkitCoordinator


def __getattr__(name: str) -> Any:
    # Imported on first use: `python -m wfkit_airflow.refuse` needs none of Airflow.
    if name == "WfkitCoordinator":
        from wfkit_airflow.coordinator import WfkitCoordinator

        return WfkitCoordinator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
