#!/usr/bin/env python3
# Prints a greeting on stdout, which is not a Maelstrom message.
import sys

print("hello from a node", flush=True)
for line in sys.stdin:
    pass
