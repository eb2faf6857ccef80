"""Pure: keeping secrets out of shell history, and finding those that got in.

Every leak rule is written once, as a small pattern tree, and used three ways: compiled
to bash HISTIGNORE globs and to the ERE of the zsh/fish hooks by ``shell_init``, and to
the Python regex of the scanner. Modules, dependencies one way:

- ``patterns``: the pattern language and its compilers (regex, ERE, globs);
- ``rules``: the rule table, built from patterns;
- ``shell_init``: the rc-file snippets of `safesm shell-init`, built from the rules;
- ``formats``: the history file formats of bash, zsh and fish (bytes in, entries out);
- ``scan``: finding, masking and removing secrets in a history file (rules + formats).

Nothing here does I/O: parsers take bytes and return entries with byte offsets, so
that ``history scrub`` can rewrite a file keeping every other byte as it was.
"""

SHELLS = ("bash", "zsh", "fish")
