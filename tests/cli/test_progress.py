"""The batch progress bar: redrawn in place on a terminal, one line in a log or a pipe."""

import io

from kiosk.cli.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(stream) -> str:
    bar = Progress(3, "enrolling", stream)
    for _ in range(3):
        bar.step()
    bar.done()
    return stream.getvalue()


def test_into_a_pipe_or_log_it_writes_one_line_when_done():
    assert run(io.StringIO()) == "enrolling: 3/3\n"


def test_on_a_terminal_it_redraws_in_place():
    out = run(Terminal())
    assert out.count("\r") == 4 and out.endswith("3/3\n") and "[" + "#" * 30 + "]" in out
