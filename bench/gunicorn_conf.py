"""
gunicorn settings for the bench's web server: after every request, each worker writes how many requests
it has served and the CPU time it has used since its first request began (not counting its start-up)
into a file of its own; BENCH_COUNTERS names the folder.

bench.accounting reads those files before and after each page's run: requests counted by the server
itself (wrk does not count the ones still in flight when it stops) and CPU time that load barely moves.
One 16-byte pwrite a request, a few microseconds.
"""

import os
import time

from bench.accounting import encode_counter

_worker = {"pid": None, "fd": None, "served": 0, "cpu_start_ns": 0}


def pre_request(worker, req):
    pid = os.getpid()
    if _worker["pid"] != pid and os.environ.get("BENCH_COUNTERS"):
        path = os.path.join(os.environ["BENCH_COUNTERS"], f"{pid}.counter")
        _worker.update(
            pid=pid, served=0, fd=os.open(path, os.O_RDWR | os.O_CREAT, 0o600), cpu_start_ns=time.process_time_ns()
        )


def post_request(worker, req, environ, resp):
    if _worker["pid"] != os.getpid():
        return
    _worker["served"] += 1
    cpu_ns = time.process_time_ns() - _worker["cpu_start_ns"]
    os.pwrite(_worker["fd"], encode_counter(_worker["served"], cpu_ns), 0)
