"""Snakemake logger plugin for pipespan: `snakemake --logger pipespan`.

It forwards Snakemake's job events (which job runs which rule with which wildcards, threads, resources and
shell command, and how it ended) to pipespan, which joins them to the processes it measures in the kernel and
names each job's task after its rule and wildcards. The events carry the Snakemake process's pid: a job's
shell is a child of that process running the job's shell command.

Where the events go, first match wins:
  1. --logger-pipespan-file PATH: appended to PATH as JSON lines;
  2. --logger-pipespan-url URL: POSTed to URL (a `pipespan agent` or `pipespan run --listen` receiver);
  3. under `pipespan run` (PIPESPAN_RUN_DIR is set): appended to $PIPESPAN_RUN_DIR/workflow/snakemake-<pid>.jsonl;
  4. otherwise POSTed to $PIPESPAN_AGENT_URL, default http://127.0.0.1:4390 (`pipespan agent`).
"""

import json
import math
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from logging import LogRecord
from typing import Any, Optional

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.settings import LogHandlerSettingsBase

__version__ = "0.1.0"

SCHEMA = "pipespan.snakemake/1"
DEFAULT_AGENT_URL = "http://127.0.0.1:4390"
ENV_RUN_DIR = "PIPESPAN_RUN_DIR"
ENV_AGENT_URL = "PIPESPAN_AGENT_URL"

# Bounds: a payload stays small whatever the workflow looks like.
MAX_TEXT = 64 * 1024
MAX_ITEM = 4096
MAX_ITEMS = 100
MAX_MAP = 64


@dataclass
class LogHandlerSettings(LogHandlerSettingsBase):
    url: Optional[str] = field(
        default=None,
        metadata={
            "help": "Receiver URL of pipespan (`pipespan agent` or `pipespan run --listen`); "
            f"default: ${ENV_AGENT_URL}, else {DEFAULT_AGENT_URL} (not used under `pipespan run`, "
            "which reads a file)",
            "env_var": False,
            "required": False,
        },
    )
    file: Optional[str] = field(
        default=None,
        metadata={
            "help": "Append the events to this file as JSON lines instead of sending them",
            "env_var": False,
            "required": False,
        },
    )


def _text(value: Any, limit: int = MAX_ITEM) -> Optional[str]:
    if value is None:
        return None
    s = value if isinstance(value, str) else str(value)
    return s if len(s) <= limit else s[:limit]


def _texts(values: Any) -> list[str]:
    if values is None or isinstance(values, (str, bytes)):
        return [] if values is None else [_text(values) or ""]
    out: list[str] = []
    try:
        for v in values:
            if len(out) >= MAX_ITEMS:
                break
            out.append(_text(v) or "")
    except TypeError:
        return []
    return out


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return _text(value)


def _int(value: Any) -> Optional[int]:
    """An int, or None: ids and counts are sent as numbers or not at all."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ints(values: Any) -> list[int]:
    try:
        return [v for v in list(values)[:1000] if _int(v) is not None]
    except TypeError:
        return []


def _mapping(value: Any) -> dict[str, Any]:
    """A flat str -> scalar dict from a dict, a Namedlist (items()) or anything with keys; callables dropped."""
    items: Any
    if value is None:
        return {}
    if hasattr(value, "items"):
        try:
            items = list(value.items())
        except Exception:
            return {}
    else:
        return {}
    out: dict[str, Any] = {}
    for k, v in items:
        if len(out) >= MAX_MAP:
            break
        if callable(v):
            continue
        out[str(k)[:256]] = _scalar(v)
    return out


def _own_start_ticks() -> Optional[int]:
    """Field 22 of /proc/self/stat: with the pid, it names this process across pid reuse."""
    try:
        with open("/proc/self/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return int(stat[stat.rindex(")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None


class _FileTransport:
    def __init__(self, path: str) -> None:
        self.where = path
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        # O_APPEND, one write per line: lines stay whole even if another writer appends to the same file.
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def send(self, line: bytes) -> None:
        os.write(self._fd, line)

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass


class _HttpTransport:
    """One POST per event, in order (Snakemake calls the handler from a single queue thread)."""

    def __init__(self, url: str) -> None:
        base = url.rstrip("/")
        self.where = base if base.endswith("/snakemake") else base + "/snakemake"

    def send(self, line: bytes) -> None:
        req = urllib.request.Request(
            self.where,
            data=line,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": f"snakemake-logger-plugin-pipespan/{__version__}"},
        )
        with urllib.request.urlopen(req, timeout=2) as resp:
            resp.read()

    def close(self) -> None:
        pass


class LogHandler(LogHandlerBase):
    def __post_init__(self) -> None:
        self._pid = os.getpid()
        self._start_ticks = _own_start_ticks()
        self._workflow_id: Optional[str] = None
        self._lock = threading.Lock()
        self._failed = 0
        self._consecutive_failures = 0
        self._paused_until = 0.0
        self._warned = False
        self._closed = False
        self._transport = self._open_transport()
        self._send(
            {
                "event": "plugin_started",
                "time": time.time(),
                "argv": [_text(a) or "" for a in sys.argv[:MAX_ITEMS]],
                "cwd": _text(os.getcwd()),
                "plugin_version": __version__,
            }
        )

    def _open_transport(self) -> Any:
        s = self.settings
        path = getattr(s, "file", None) if s is not None else None
        url = getattr(s, "url", None) if s is not None else None
        run_dir = os.environ.get(ENV_RUN_DIR)
        try:
            if path:
                return _FileTransport(path)
            if url:
                return _HttpTransport(url)
            if run_dir:
                return _FileTransport(os.path.join(run_dir, "workflow", f"snakemake-{self._pid}.jsonl"))
        except OSError as e:
            self._warn(f"cannot open the event file ({e}); sending to the agent instead")
        return _HttpTransport(os.environ.get(ENV_AGENT_URL) or DEFAULT_AGENT_URL)

    # The handler's contract with Snakemake.
    @property
    def writes_to_stream(self) -> bool:
        return False

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        # Every job event is wanted whatever --quiet or --printshellcmds say; emit() picks them.
        return True

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False

    def emit(self, record: LogRecord) -> None:
        try:
            payload = self._payload(record)
            if payload is not None:
                self._send(payload)
        except Exception as e:  # a logging handler must never break the workflow
            self._warn(f"an event could not be sent: {e}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._send({"event": "plugin_closed", "time": time.time(), "undelivered": self._failed})
            if self._failed:
                self._warn(f"{self._failed} events could not be delivered to {self._transport.where}")
            self._transport.close()
        finally:
            super().close()

    def _payload(self, record: LogRecord) -> Optional[dict[str, Any]]:
        event = getattr(record, "event", None)
        if event is None:
            return None
        get = lambda name: getattr(record, name, None)  # noqa: E731
        base: dict[str, Any] = {"time": record.created}
        if event == LogEvent.WORKFLOW_STARTED:
            wid = get("workflow_id")
            self._workflow_id = _text(wid) if wid is not None else None
            return {
                **base,
                "event": "workflow_started",
                "snakefile": _text(get("snakefile_main") or get("snakefile")),
                "basedir": _text(get("basedir")),
                "snakemake_version": _text(get("snakemake_version")),
                "cwd": _text(get("cwd") or get("rundir")),
            }
        if event == LogEvent.JOB_INFO:
            return {
                **base,
                "event": "job_info",
                "jobid": _int(get("jobid")),
                "rule_name": _text(get("rule_name")),
                "wildcards": _mapping(get("wildcards")),
                "threads": _int(get("threads")),
                "resources": _mapping(get("resources")),
                "shellcmd": _text(get("shellcmd"), MAX_TEXT),
                "input": _texts(get("input")),
                "output": _texts(get("output")),
                "log": _texts(get("log")),
                "local": bool(get("local")),
                "is_handover": bool(get("is_handover")),
            }
        if event == LogEvent.JOB_STARTED:
            jobs = get("jobs") or get("job_ids") or []
            return {**base, "event": "job_started", "jobs": _ints(jobs)}
        if event == LogEvent.JOB_FINISHED:
            return {**base, "event": "job_finished", "jobid": _int(get("job_id"))}
        if event == LogEvent.JOB_ERROR:
            return {
                **base,
                "event": "job_error",
                "jobid": _int(get("jobid")),
                "rule_name": _text(get("rule_name")),
                "msg": _text(get("rule_msg") or record.getMessage()),
            }
        if event == LogEvent.RUN_INFO:
            stats = get("stats") or {}
            total = stats.get("total") if isinstance(stats, dict) else None
            return {**base, "event": "run_info", "total_jobs": total if isinstance(total, int) else None}
        if event == LogEvent.PROGRESS:
            return {**base, "event": "progress", "done": _int(get("done")), "total": _int(get("total"))}
        if event == LogEvent.ERROR:
            return {**base, "event": "error", "msg": _text(record.getMessage())}
        return None

    def _send(self, payload: dict[str, Any]) -> None:
        payload = {
            "schema": SCHEMA,
            "pid": self._pid,
            "start_ticks": self._start_ticks,
            "workflow_id": self._workflow_id,
            **payload,
        }
        line = (json.dumps(payload, separators=(",", ":"), default=str, allow_nan=False) + "\n").encode("utf-8")
        with self._lock:
            now = time.monotonic()
            if now < self._paused_until:
                self._failed += 1
                return
            try:
                self._transport.send(line)
                self._consecutive_failures = 0
            except (OSError, urllib.error.URLError, ValueError) as e:
                self._failed += 1
                self._consecutive_failures += 1
                self._warn(f"events cannot reach {self._transport.where} ({e}); the workflow goes on without them")
                # Do not slow the workflow down retrying a receiver that is not there.
                if self._consecutive_failures >= 3:
                    self._paused_until = now + 30

    def _warn(self, line: str) -> None:
        if self._warned:
            return
        self._warned = True
        sys.stderr.write(f"pipespan logger: {line}\n")
