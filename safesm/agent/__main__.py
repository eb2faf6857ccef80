"""`python -m safesm.agent`: the agent process (`safesm agent start` runs it)."""

import sys

from .daemon import main

if __name__ == "__main__":
    sys.exit(main())
