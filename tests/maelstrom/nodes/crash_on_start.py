#!/usr/bin/env python3
# Dies at once, saying why on stderr (in colour, as many runtimes do).
import sys

print("\x1b[31mboom\x1b[0m: cannot open config", file=sys.stderr)
sys.exit(3)
