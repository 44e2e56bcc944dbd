"""Surroundings for a planted snippet: the ways real error messages, logs, traces, dumps and
HTTP exchanges carry a value. Each returns the text and the useful values in it that must
survive scrubbing (timestamps, levels, status codes, file names and line numbers, error types).
"""

from .synth import json_escape


def bare(f, s):
    return s, []


def error_message(f, s):
    head = f.pick(["Error: request to upstream failed", "ERROR could not complete request",
                   "fatal: operation aborted", "RuntimeError: unexpected response"])
    return f"{head} ({s})", [head]


def log_line(f, s):
    ts = f.time()
    level = f.pick(["WARN", "ERROR", "INFO", "DEBUG"])
    pid = f.rng.randint(100, 65000)
    return f"{ts} {level} worker[{pid}] {s} (attempt 3/5)", [ts, f"worker[{pid}]", "attempt 3/5"]


def syslog_line(f, s):
    day = f.rng.randint(10, 28)
    clock = f"{f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:{f.rng.randint(0, 59):02d}"
    pid = f.rng.randint(100, 65000)
    return f"Mar {day} {clock} app[{pid}]: {s}", [f"Mar {day} {clock}", f"app[{pid}]"]


def json_log(f, s):
    ts = f.time()
    code = f.pick([401, 403, 500, 502])
    text = ('{"level":"error","ts":"' + ts + '","msg":"upstream call failed","detail":"'
            + json_escape(s) + f'","status":{code}' + "}")
    return text, ['"level":"error"', ts, f'"status":{code}']


def python_trace(f, s):
    line = f.rng.randint(20, 400)
    text = ("Traceback (most recent call last):\n"
            f'  File "/usr/lib/python3.12/site-packages/requests/sessions.py", line {line}, in request\n'
            "    resp = self.send(prep, **send_kwargs)\n"
            f"requests.exceptions.HTTPError: 401 Client Error: {s}")
    return text, [f'sessions.py", line {line}, in request', "requests.exceptions.HTTPError", "401 Client Error"]


def node_trace(f, s):
    line, col = f.rng.randint(10, 900), f.rng.randint(2, 40)
    text = (f"Error: {s}\n"
            f"    at ClientRequest.<anonymous> (node:internal/http/client:{line}:{col})\n"
            "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)")
    return text, [f"client:{line}:{col}", "processTicksAndRejections", "task_queues:95:5"]


def java_trace(f, s):
    line = f.rng.randint(10, 900)
    text = (f"java.lang.IllegalStateException: {s}\n"
            f"\tat com.example.billing.Gateway.call(Gateway.java:{line})\n"
            "\tat com.example.billing.Main.main(Main.java:12)")
    return text, ["java.lang.IllegalStateException", f"Gateway.java:{line}", "Main.java:12"]


def config_block(f, s):
    port = f.pick([5432, 6379, 8080, 9200, 3306])
    text = f"config dump:\n  region = eu-west-1\n  {s}\n  port = {port}\n  timeout = 30s"
    return text, ["region = eu-west-1", f"port = {port}", "timeout = 30s"]


MESSAGE = [bare, error_message, log_line, syslog_line, json_log, python_trace, node_trace, java_trace]
"""Contexts where a value sits inside a line of prose or a trace."""

BLOCK = MESSAGE + [config_block]
"""Contexts where the snippet may also stand on a line of its own."""


def wrap(f, snippet, contexts=MESSAGE):
    return f.pick(contexts)(f, snippet)


def each(f, snippet, contexts=MESSAGE):
    """Cycles through the contexts instead of picking one, so that every family sees each."""
    index = len(f.cases) % len(contexts)
    return contexts[index](f, snippet)
