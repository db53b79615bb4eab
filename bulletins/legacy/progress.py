"""A line of progress for an import of many files, redrawn in place on a terminal."""

import time

_CLEAR = "\r\033[K"


def _plain(text):
    return text


class Progress:
    """Files done, items, rate and time left, on one line of `stream` (a command's stderr),
    redrawn at most `every` seconds. Writes nothing unless the stream is a terminal."""

    def __init__(self, stream, total, *, every=0.25, clock=time.monotonic):
        self.stream, self.total, self.every, self.clock = stream, total, every, clock
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.started = clock()
        self.done = self.items = 0
        self.shown = False
        self.drawn_at = None

    def _write(self, text):
        self.stream.write(text, style_func=_plain, ending="")
        self.stream.flush()

    def line(self):
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.done:,}/{self.total:,} files · {self.items:,} items · {rate:,.1f} files/s"
        if self.done < self.total and rate > 0:
            text += f" · {_duration((self.total - self.done) / rate)} left"
        return text

    def advance(self, result):
        self.done += 1
        if result.status in ("created", "replaced", "parsed"):
            self.items += result.items
        if not self.enabled:
            return
        now = self.clock()
        if self.drawn_at is None or now - self.drawn_at >= self.every or self.done == self.total:
            self._write(_CLEAR + self.line())
            self.shown, self.drawn_at = True, now

    def clear(self):
        """Take the line away, e.g. before another line is printed."""
        if self.enabled and self.shown:
            self._write(_CLEAR)
            self.shown = False

    def finish(self):
        self.clear()


def _duration(seconds):
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
