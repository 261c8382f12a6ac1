"""
What a page costs in CPU, beside what it takes on the clock: figures a busy machine moves much less.

Wall-clock times stretch when other jobs share the cores (a trivial view at 9 ms instead of 2.7 ms);
CPU time spent on a request barely does. Two figures per page, each per request served:

- **web CPU**: the gunicorn workers' own CPU time. A hook in each worker (bench/gunicorn_conf.py)
  writes, after every request, how many requests it has served and its process CPU time so far into
  a small file of its own; the bench reads every worker's file before and after a page's run.
- **database CPU**: the CPU time of the PostgreSQL backends serving those workers, read from
  /proc/<pid>/schedstat (or /proc/<pid>/stat) before and after the same run. The workers keep their
  connection for the whole run (bench/settings.py), so the same backends serve every request.

Everything here but the /proc and file reads is a pure function, tested in tests/bench/.
"""

import os
import statistics
import struct
from pathlib import Path

PROC = Path("/proc")
# One record per worker: requests served, process CPU time in nanoseconds.
COUNTER = struct.Struct("<qq")


def cpu_seconds_from_schedstat(text):
    """/proc/<pid>/schedstat: time on the CPU (ns), time waiting for one (ns), time slices."""
    return int(text.split()[0]) / 1e9


def cpu_seconds_from_stat(text, ticks_per_second):
    """/proc/<pid>/stat: utime and stime, the 14th and 15th fields, in clock ticks.

    The second field (the command name, in parentheses) may hold spaces or parentheses itself, so the
    fields are counted from the last ')'.
    """
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is the 3rd field (state): utime is the 14th, stime the 15th.
    return (int(fields[11]) + int(fields[12])) / ticks_per_second


def process_cpu_seconds(pid, proc=PROC):
    """CPU time a process has used so far, or None when it is gone or not visible from here."""
    try:
        return cpu_seconds_from_schedstat((proc / str(pid) / "schedstat").read_text())
    except (OSError, ValueError, IndexError):
        pass
    try:
        return cpu_seconds_from_stat((proc / str(pid) / "stat").read_text(), os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def encode_counter(requests, cpu_ns):
    return COUNTER.pack(requests, cpu_ns)


def decode_counter(data):
    """A worker's record, or None for a file caught before its first write."""
    if len(data) < COUNTER.size:
        return None
    requests, cpu_ns = COUNTER.unpack_from(data)
    return requests, cpu_ns / 1e9


def read_counters(directory):
    """{worker pid: (requests served, CPU seconds)} from the workers' files in `directory`."""
    counters = {}
    for path in Path(directory).glob("*.counter"):
        record = decode_counter(path.read_bytes())
        if record is not None:
            counters[int(path.stem)] = record
    return counters


def counters_delta(before, after):
    """Requests served and CPU seconds used between two readings of the workers' counters.

    A worker that appeared in between (a restart) counts from zero; one that vanished took its
    last requests with it, and is left out of both sums alike.
    """
    requests = cpu = 0
    for pid, (served, seconds) in after.items():
        served_before, seconds_before = before.get(pid, (0, 0.0))
        requests += served - served_before
        cpu += seconds - seconds_before
    return requests, cpu


def cpu_delta(before, after):
    """CPU seconds used between two {pid: seconds} readings; a process new in `after` counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items() if seconds is not None)


def backend_cpu(pids, proc=PROC):
    """{pid: CPU seconds} of the database backends that are visible from here."""
    readings = {pid: process_cpu_seconds(pid, proc) for pid in pids}
    return {pid: seconds for pid, seconds in readings.items() if seconds is not None}


def per_request_ms(seconds, requests):
    """Milliseconds per request, or None when nothing was served."""
    if not requests:
        return None
    return seconds * 1000 / requests


def ratio(value, base):
    """`value` in units of `base` (both per request), or None when either is missing or base is zero."""
    if value is None or not base:
        return None
    return value / base


def cost(*, requests, web_cpu_s, db_cpu_s):
    """One run's per-request figures: web CPU ms and database CPU ms (None when not measured)."""
    return {
        "requests": requests,
        "cpu_ms": per_request_ms(web_cpu_s, requests),
        "db_ms": None if db_cpu_s is None else per_request_ms(db_cpu_s, requests),
    }


def cost_ratios(page, trivial):
    """A page's CPU figures against the trivial view's web CPU in the same round.

    Both are divided by the trivial view's *web* CPU per request: the trivial view runs no query, so
    its database time is about zero and no ratio could be taken against it. A db_ratio of 3 reads
    "the database spends on this page three times what the web worker spends on a trivial request".
    """
    return {
        "cpu_ratio": ratio(page["cpu_ms"], trivial["cpu_ms"]),
        "db_ratio": ratio(page["db_ms"], trivial["cpu_ms"]),
    }


def backends_cpu_or_none(pids, proc=PROC):
    """{pid: CPU seconds} for the listed backends, or None when any is out of sight (a database on
    another machine): then the bench reports no database time rather than part of it."""
    readings = backend_cpu(pids, proc)
    if len(readings) < len(set(pids)):
        return None
    return readings


def run_cost(before, after):
    """One run's per-request cost from two snapshots {"workers": counters, "db": backends or None}."""
    requests, web_cpu = counters_delta(before["workers"], after["workers"])
    db_cpu = None
    if before["db"] is not None and after["db"] is not None:
        db_cpu = cpu_delta(before["db"], after["db"])
    return cost(requests=requests, web_cpu_s=web_cpu, db_cpu_s=db_cpu)


# The per-request cost figures a page's sample carries, beside its wall-clock ones.
COST_KEYS = ("cpu_ms", "db_ms", "trivial_cpu_ms", "trivial_db_ms", "cpu_ratio", "db_ratio")


def median_or_none(values):
    """The median, or None when any value is None (a figure not measured in every round)."""
    if not values or any(value is None for value in values):
        return None
    return statistics.median(values)


def rounded(value, digits):
    return None if value is None else round(value, digits)
