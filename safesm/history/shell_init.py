"""Pure: the text `safesm shell-init SHELL` prints, built from the rules."""

from __future__ import annotations

from .rules import RULES


def _sh_quote(text: str) -> str:
    """Single quotes for bash and zsh: the text stays literal."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_quote(text: str) -> str:
    """Single quotes for fish, where backslash escapes a quote or a backslash."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _bash_snippet() -> str:
    globs = ":".join(g for r in RULES for g in r.globs)
    return f"""\
# safesm shell-init bash: keep commands that carry secrets out of bash history.
# Appends to HISTIGNORE and HISTCONTROL; whatever you set there stays in effect.
__safesm_histignore={_sh_quote(globs)}
case ":${{HISTIGNORE-}}:" in
  *":$__safesm_histignore:"*) ;;
  *) HISTIGNORE="${{HISTIGNORE:+$HISTIGNORE:}}$__safesm_histignore" ;;
esac
case ":${{HISTCONTROL-}}:" in
  *:ignorespace:*|*:ignoreboth:*) ;;
  *) HISTCONTROL="${{HISTCONTROL:+$HISTCONTROL:}}ignorespace" ;;
esac
unset __safesm_histignore
"""


def _zsh_snippet() -> str:
    regexes = " \\\n    ".join(_sh_quote(r.regex) for r in RULES)
    return f"""\
# safesm shell-init zsh: keep commands that carry secrets out of zsh history.
# Adds a zshaddhistory hook next to yours (add-zsh-hook) and sets HIST_IGNORE_SPACE.
__safesm_zshaddhistory() {{
  emulate -L zsh
  local MATCH MBEGIN MEND re line=${{1%$'\\n'}}
  local -a match mbegin mend
  for re in \\
    {regexes}; do
    [[ $line =~ $re ]] && return 1
  done
  return 0
}}
setopt HIST_IGNORE_SPACE
autoload -Uz add-zsh-hook
add-zsh-hook zshaddhistory __safesm_zshaddhistory
"""


def _fish_snippet() -> str:
    regexes = " \\\n        ".join(_fish_quote("(?s)" + r.regex) for r in RULES)
    return f"""\
# safesm shell-init fish: keep commands that carry secrets out of fish history.
function __safesm_is_risky --description 'safesm: does this command line carry a secret?'
    for re in \\
        {regexes}
        string match -qr -- $re $argv[1]; and return 0
    end
    return 1
end
if string match -qr '^[0-3][.]' -- $version
    # fish 3: a command that starts with a space is not saved, so Enter adds one.
    function __safesm_execute --description 'safesm: Enter, keeping secrets out of history'
        set -l cmd (string join \\n -- (commandline))
        if not string match -q -- ' *' "$cmd"; and __safesm_is_risky "$cmd"
            commandline -- " $cmd"
        end
        if test "$fish_bind_mode" = default
            and test "$fish_key_bindings" != fish_default_key_bindings
            set fish_bind_mode insert  # what Enter does in vi normal mode
        end
        commandline -f execute
    end
    for mode in default insert
        bind -M $mode \\r __safesm_execute
        bind -M $mode \\n __safesm_execute
    end
else if not set -q __safesm_history_hooked
    # fish 4+: fish asks fish_should_add_to_history; yours, if any, still decides too.
    set -g __safesm_history_hooked 1
    if functions -q fish_should_add_to_history
        functions -c fish_should_add_to_history __safesm_user_should_add
    end
    function fish_should_add_to_history --description 'safesm: keep secrets out of history'
        string match -q -- ' *' $argv[1]; and return 1
        __safesm_is_risky $argv[1]; and return 1
        if functions -q __safesm_user_should_add
            __safesm_user_should_add $argv; or return 1
        end
        return 0
    end
end
"""


def snippet(shell: str) -> str:
    """The text `safesm shell-init SHELL` prints for the user's rc file."""
    return {"bash": _bash_snippet, "zsh": _zsh_snippet, "fish": _fish_snippet}[shell]()
