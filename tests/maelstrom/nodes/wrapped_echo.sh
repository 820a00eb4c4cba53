#!/bin/sh
# The echo node behind a wrapper that does not exec it, as `deno task …` does: killing
# the wrapper leaves the node running, holding stdout, until it reads EOF on stdin.
python3 "$(dirname "$0")/echo.py"
echo "echo node ended" >&2
