#!/usr/bin/env python3
# Reads everything and answers nothing.
import sys

print("listening…", file=sys.stderr, flush=True)
for line in sys.stdin:
    pass
