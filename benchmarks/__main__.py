"""``python -m benchmarks``: run every benchmark (see ``benchmarks/run_all.py``)."""

import sys

from benchmarks.run_all import exit_status, main

sys.exit(exit_status(main()))
