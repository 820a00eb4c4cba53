#!/usr/bin/env python3
# Dies at once, saying why on stderr.
import sys

print("boom: cannot open config", file=sys.stderr)
sys.exit(3)
