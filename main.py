#!/usr/bin/env python3
"""Door attendance kiosk. `python main.py --help` lists the commands."""

import os
import sys

# Quiet native libraries before they load; our own logging says what matters.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# One BLAS thread: the recognition thread and the liveness judge already fill both cores, and BLAS's
# own threads only spin against them. Matching one face against 100,000 people took 8 ms with two
# BLAS threads on a busy machine and 2 ms with one (bench/scale.py, BENCHMARKS.md).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from kiosk.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
