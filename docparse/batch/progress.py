"""Progress: a tqdm bar on a terminal, one plain line per file otherwise."""

from __future__ import annotations

import io
import os
import sys
import time


class Progress:
    def __init__(self, total: int, *, bar: bool | None = None, quiet: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = self.failed = 0
        self.quiet = quiet
        self.t0 = time.monotonic()
        if bar is None:
            bar = self.stream.isatty()
        self._bar = None
        if bar and not quiet and total:
            import tqdm

            tqdm.tqdm.monitor_interval = 0  # no monitor thread: workers are forked
            try:
                cols = os.get_terminal_size(self.stream.fileno()).columns
            except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                cols = 0
            # a pty with no size (script, some CI) reports 0 columns: tqdm would draw nothing
            size = {"dynamic_ncols": True} if cols > 0 else {"ncols": 100}
            self._bar = tqdm.tqdm(total=total, file=self.stream, unit="file", smoothing=0.1, desc="batch", **size)

    def log(self, msg: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.write(msg, file=self.stream)
        else:
            print(msg, file=self.stream, flush=True)

    def update(self, label: str, status: str, reason: str | None, seconds: float | None) -> None:
        self.done += 1
        if status == "failed":
            self.failed += 1
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.set_postfix(ok=self.done - self.failed, failed=self.failed, refresh=False)
            self._bar.update(1)
            return
        width = len(str(self.total))
        elapsed = time.monotonic() - self.t0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        tail = f" ({seconds:.2f} s)" if seconds is not None else ""
        why = f": {reason}" if status != "ok" and reason else ""
        self.log(f"[{self.done:>{width}}/{self.total}] {status:<6} {label}{why}{tail}"
                 f"  [{rate:.1f}/s, eta {eta:.0f} s]")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
