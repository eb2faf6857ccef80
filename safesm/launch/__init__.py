"""Running the command `safesm exec` was given: its environment (pure, `environ`), the
process replacing safesm (`process`), and the `--mask` supervisor (`supervisor`, with the
pure output filter in `masker`)."""
