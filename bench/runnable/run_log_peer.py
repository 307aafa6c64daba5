"""runnable's file-system run-log store, driven as its executor drives it, for bench/run-log-peer.ts.

    python run_log_peer.py FOLDER RUNS

Records RUNS runs of a 3-step pipeline (a run log created, each step's log added when it starts
and again when it ends, the run's status set at the end: 8 writes a run, as wfkit's 8 records
a run), then lists the 20 newest runs the only way the store allows (it has no query: the
folder's files by modification time, each run log read back). Prints one JSON line of timings.
"""

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

from extensions.run_log_store.file_system import FileSystemRunLogstore
from runnable.datastore import StepAttempt

TASKS = ["Extract", "Transform", "Load"]


def main() -> None:
    folder, runs = sys.argv[1], int(sys.argv[2])
    store = FileSystemRunLogstore(log_folder=folder)
    base = datetime(2026, 12, 3, tzinfo=timezone.utc)
    start = time.perf_counter()
    for i in range(runs):
        run_id = f"run-{i:05d}"
        at = base + timedelta(seconds=i)
        store.create_run_log(run_id=run_id, dag_hash="9f1c0e6ad3b4", tag="nightly" if i % 10 == 0 else "", status="PROCESSING")
        for t, task in enumerate(TASKS):
            step = store.create_step_log(task, task)
            step.status = "PROCESSING"
            attempt = StepAttempt(attempt_number=1, start_time=(at + timedelta(milliseconds=10 + t * 100)).isoformat(), status="PROCESSING")
            step.attempts.append(attempt)
            store.add_step_log(step, run_id)
            attempt.end_time = (at + timedelta(milliseconds=100 + t * 100)).isoformat()
            attempt.status = "SUCCESS"
            step.status = "SUCCESS"
            store.add_step_log(step, run_id)
        store.update_run_log_status(run_id, "FAIL" if i % 17 == 0 else "SUCCESS")
    write_s = time.perf_counter() - start

    lists = []
    for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 7):
        start = time.perf_counter()
        newest = sorted(os.scandir(folder), key=lambda e: e.stat().st_mtime_ns, reverse=True)[:20]
        logs = [store.get_run_log_by_id(run_id=entry.name[: -len(".json")]) for entry in newest]
        lists.append((time.perf_counter() - start) * 1000)
        if len(logs) != 20:
            raise SystemExit(f"listed {len(logs)} runs")
    lists.sort()
    print(json.dumps({"runs": runs, "writes": runs * 8, "writeSeconds": write_s, "listMs": lists[len(lists) // 2]}))


if __name__ == "__main__":
    main()
