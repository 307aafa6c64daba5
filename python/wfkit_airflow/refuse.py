"""Fail one task instance with a reason, speaking the SDK runtime's protocol with the supervisor.

``python -m wfkit_airflow.refuse MESSAGE --comm=HOST:PORT --logs=HOST:PORT`` is what
:class:`wfkit_airflow.WfkitCoordinator` runs instead of ``wf run-task`` when the task cannot be
started (bad configuration: a DAG that is not wfkit's stub DAG, a package version not installed).
It connects to both of the supervisor's sockets, writes MESSAGE to the task's log at level error
(the logs socket: one JSON object per line), reads the StartupDetails frame from the comm socket,
answers with a ``TaskState`` request ``failed`` (no retry: trying again cannot help) and exits 0,
so that the supervisor records that state. Frames are a 4-byte big-endian length and a msgpack
array: ``[id, body]`` from here, ``[id, body, error]`` from the supervisor. Needs only msgspec,
which Airflow's environment has; nothing of Airflow is imported, so it starts fast.
"""

from __future__ import annotations

import datetime
import json
import socket
import sys

import msgspec

#: Seconds to wait for the supervisor at each step; it sends StartupDetails once both sockets are connected.
TIMEOUT = 60.0
#: The logger name the refusal is logged under in the task's log.
LOGGER = "wfkit"


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)


def parse_args(argv: list[str]) -> tuple[str, tuple[str, int], tuple[str, int]]:
    """(message, comm address, logs address) from ``MESSAGE --comm=H:P --logs=H:P`` (flags in any order, ``--flag V`` too)."""
    message: str | None = None
    found: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name in ("--comm", "--logs"):
            found[name] = value if eq else next(args, "")
        elif message is None:
            message = arg
        else:
            message += " " + arg
    if "--comm" not in found or "--logs" not in found:
        raise SystemExit("usage: python -m wfkit_airflow.refuse MESSAGE --comm=HOST:PORT --logs=HOST:PORT")
    return message or "wfkit: the task cannot be started", _address(found["--comm"]), _address(found["--logs"])


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.timezone.utc)


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise ConnectionError("the supervisor closed the connection")
        chunks += chunk
    return bytes(chunks)


def read_frame(sock: socket.socket) -> list:
    """One frame from the supervisor: a decoded msgpack array."""
    length = int.from_bytes(_read_exactly(sock, 4), "big")
    return msgspec.msgpack.decode(_read_exactly(sock, length))


def frame(request_id: int, body: dict) -> bytes:
    """A request frame ``[id, body]`` with its length prefix."""
    payload = msgspec.msgpack.encode([request_id, body])
    return len(payload).to_bytes(4, "big") + payload


def log_record(message: str) -> bytes:
    """The line the logs socket takes: the message at level error."""
    record = {"timestamp": _now().isoformat(), "level": "error", "event": message, "logger": LOGGER}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def refuse(message: str, comm: tuple[str, int], logs: tuple[str, int]) -> None:
    """Log *message* and fail the task instance; raises OSError when the supervisor is not there."""
    with socket.create_connection(comm, timeout=TIMEOUT) as comm_sock, socket.create_connection(logs, timeout=TIMEOUT) as logs_sock:
        logs_sock.sendall(log_record(message))
        read_frame(comm_sock)  # StartupDetails: which task; the coordinator told us already.
        comm_sock.sendall(frame(0, {"type": "TaskState", "state": "failed", "end_date": _now().isoformat()}))
        try:
            read_frame(comm_sock)  # The supervisor's answer; leave only once it has read the request.
        except (OSError, ValueError, msgspec.DecodeError):
            pass
        logs_sock.shutdown(socket.SHUT_WR)


def main(argv: list[str] | None = None) -> int:
    message, comm, logs = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        refuse(message, comm, logs)
    except (OSError, ValueError, msgspec.DecodeError) as error:
        # On stderr, which the supervisor logs too: what went wrong must show even so.
        print(f"{message}\n(wfkit could not report this to Airflow's supervisor: {error})", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
