"""Runs a command and succeeds only if it exits with the given status; the
command's stdout and stderr pass through unchanged.

    expect-exit.py STATUS COMMAND [ARG ...]
"""
import subprocess
import sys

want, command = int(sys.argv[1]), sys.argv[2:]
got = subprocess.run(command).returncode
if got != want:
    print(f"expect-exit.py: '{command[0]}' exited with {got}, expected {want}",
          file=sys.stderr)
    sys.exit(1)
