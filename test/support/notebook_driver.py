"""Execute a notebook's cells with nbclient in one kernel, for test/support/jupyter.ts.

Usage: python notebook_driver.py REQUEST.json RESULT.json

The request: {"notebook": path, "output": path, "cwd": path, "timeout": seconds,
"steps": [cell id, ...] or null, "interrupt": {"cell": id, "afterSeconds": s} or null}. Runs the
steps (default: every cell) in order, stopping at the first that fails; writes the executed
notebook to "output" and a JSON summary to RESULT.json. With "interrupt", the kernel is
interrupted (Jupyter's stop button) that many seconds into that cell.
"""

import json
import os
import signal
import sys
import threading

# jsonschema (via nbformat) imports rfc3987_syntax when installed, which compiles a grammar for
# 2.5 s on every start; nothing here checks the "iri" format it is for.
sys.modules["rfc3987_syntax"] = None

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402


def cell_id(cell, index):
    # Notebooks older than nbformat 4.5 have no cell ids.
    return cell.get("id") or str(index)


def summarize(step, cell):
    stdout, stderr, text = [], [], []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            (stdout if output["name"] == "stdout" else stderr).append(output["text"])
            text.append(output["text"])
        elif "text/plain" in output.get("data", {}):
            text.append(output["data"]["text/plain"])
    return {
        "id": step,
        "cellType": cell["cell_type"],
        "executionCount": cell.get("execution_count"),
        "stdout": "".join(stdout),
        "stderr": "".join(stderr),
        "text": "".join(text),
    }


KERNEL_START_ATTEMPTS = 3


def run_steps(client, nb, cells, steps, executed, interrupt=None):
    """Run the steps in the client's kernel, appending to `executed`; (failed step, error) or (None, None)."""
    # As NotebookClient.execute does: the executed notebook records the kernel's language.
    info = client.wait_for_reply(client.kc.kernel_info())
    if info and "language_info" in info["content"]:
        nb.metadata["language_info"] = info["content"]["language_info"]
    for step in steps:
        index, cell = cells[step]
        failed = error = None
        timer = None
        if interrupt and interrupt["cell"] == step:
            # What jupyter_client's interrupt_kernel() does for a kernel whose interrupt mode is
            # "signal" (tslab's): SIGINT to the kernel's process. Sent directly: that method is
            # a coroutine on nbclient's event loop, which this timer's thread is not on.
            timer = threading.Timer(interrupt["afterSeconds"], os.kill, (client.km.provisioner.process.pid, signal.SIGINT))
            timer.start()
        try:
            # As NotebookClient.execute does: tslab sends its count only in execute_reply,
            # which nbclient does not read.
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except CellExecutionError as e:
            failed, error = step, str(e)
        except (CellTimeoutError, DeadKernelError) as e:
            failed, error = step, f"{type(e).__name__}: {e}"
        finally:
            if timer:
                timer.cancel()
        # Snapshot now: running the cell again replaces its outputs.
        executed.append(summarize(step, cell))
        if failed:
            return failed, error
    return None, None


def main(request_file, result_file):
    with open(request_file) as f:
        request = json.load(f)
    nb = nbformat.read(request["notebook"], as_version=4)
    cells = {cell_id(cell, i): (i, cell) for i, cell in enumerate(nb.cells)}
    steps = request.get("steps") or list(cells)
    unknown = [s for s in steps if s not in cells]
    if unknown:
        sys.exit(f"unknown cell ids {unknown}; the notebook has {list(cells)}")
    executed, failed, error = [], None, None
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        client = NotebookClient(nb, timeout=request["timeout"], startup_timeout=30, resources={"metadata": {"path": request["cwd"]}})
        try:
            with client.setup_kernel():
                failed, error = run_steps(client, nb, cells, steps, executed, request.get("interrupt"))
            break
        except RuntimeError as e:
            # tslab sometimes never answers when kernels start at the same moment in parallel
            # test files ("Socket is blocked by a bind or unbind operation" on its side): a port
            # race that a new kernel, on new ports, does not meet.
            if executed or attempt == KERNEL_START_ATTEMPTS or "didn't respond" not in str(e):
                raise
            print(f"kernel start failed ({e}); starting another (attempt {attempt + 1})", file=sys.stderr)
    nbformat.write(nb, request["output"])
    with open(result_file, "w") as f:
        json.dump({"ok": failed is None, "failedCellId": failed, "error": error, "cells": executed}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
