"""`python -m safesm` (the same entry point as the `safesm` console script)."""

from .lean import main

if __name__ == "__main__":
    main()
