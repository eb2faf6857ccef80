"""Pure: the text `safesm shell-init SHELL` prints, built from the rules.

Each shell gets the same primitives: ``__safesm_match TEXT REGEX`` (true on a match,
and on a regex error: the guard fails closed), ``__safesm_exempt TEXT REGEX`` (true only
on a match: the whole command a rule leaves alone, such as ``safesm exec -e VAR=NAME``)
and ``__safesm_is_risky TEXT`` (one line per rule, its terms joined by "and"). What calls
them differs:

- zsh: a ``zshaddhistory`` hook, in the C locale (a byte that is not valid UTF-8 cannot
  make a match fail);
- bash: ``PROMPT_COMMAND`` (put first), which checks every entry added since the last
  prompt, joined, and deletes them if they carry a secret: it sees whole compound
  commands whatever ``cmdhist`` and ``lithist`` say. The same check runs on ``exit``,
  before bash writes its history file. (Not on a hang-up: a trap would keep bash waiting
  for the job it should hang up; bash saves history then before any hook can run.)
- fish 3: every key that runs the command line (Enter, Ctrl/Shift+Enter as CSI-u and
  modifyOtherKeys send them, in emacs and vi insert, normal and replace modes) adds a
  leading space to a risky command, which fish does not save; fish 4:
  ``fish_should_add_to_history``.
"""

from __future__ import annotations

from .patterns import Needles
from .rules import RULES


def _sh_quote(text: str) -> str:
    """``$'…'`` for bash and zsh: the text stays literal, control characters escaped."""
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "$'" + "".join(out) + "'"


def _fish_quote(text: str) -> str:
    """Single quotes for fish, where backslash escapes a quote or a backslash."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _glob_any(needles: Needles, bash: bool) -> str:
    """A test that the lower-cased text ``$f`` holds one of the needles (or, for needles
    that quoting may split, that the text holds a quote or backslash: ``$q``)."""
    if bash:
        test = " || ".join(f"$f == *{_sh_quote(n)}*" for n in needles.texts)
    else:
        test = "$f == *(" + "|".join(_sh_quote(n) for n in needles.texts) + ")*"
    return f"[[ {'-n $q || ' if needles.quoted else ''}{test} ]]"


def _pcre_any(needles: Needles) -> str:
    test = "|".join("".join("\\" + c if c in _PCRE_SPECIAL else c for c in n)
                    for n in needles.texts)
    return f"$q; or string match -qr -- {_fish_quote(test)} $f" if needles.quoted else \
        f"string match -qr -- {_fish_quote(test)} $f"


_PCRE_SPECIAL = set("\\^$.|?*+()[]{}")


def _posix_checks(indent: str, bash: bool) -> str:
    lines = []
    for rule in RULES:
        tests = [_glob_any(n, bash) for n in rule.needles if n]
        tests += [f'__safesm_match "$1" {_sh_quote(t)}' for t in rule.ere]
        if rule.unless:  # a failing regex exempts nothing
            tests.append(f'! __safesm_exempt "$1" {_sh_quote(rule.unless_ere)}')
        lines.append(f"{indent}{' && '.join(tests)} && return 0  # {rule.id}")
    return "\n".join(lines)


def _fish_checks(indent: str) -> str:
    lines = []
    for rule in RULES:
        tests = [f"begin; {_pcre_any(n)}; end" if n.quoted else _pcre_any(n)
                 for n in rule.needles if n]
        tests += [f"__safesm_match {_fish_quote('(?s)' + t)} $argv[1]" for t in rule.pcre]
        if rule.unless:  # a failing regex exempts nothing
            tests.append(f"not string match -qr -- {_fish_quote(rule.unless_pcre)} $argv[1]")
        lines.append(f"{indent}{'; and '.join(tests)}; and return 0  # {rule.id}")
    return "\n".join(lines)


# What runs the check in bash: the PROMPT_COMMAND hook, the EXIT trap, HISTCONTROL.
_BASH_HOOKS = """__safesm_history_guard() {  # the entries added since the last prompt: one command
  local status=$? last=$_ top=$((HISTCMD - 1)) text n number
  if [[ ${1-} == exit ]]; then  # while a command runs, HISTCMD is its own number
    text=$(HISTTIMEFORMAT= builtin history 1)
    text=${text#"${text%%[! ]*}"}
    top=${text%%[!0-9]*}
  fi
  if [[ -n ${__safesm_seen-} ]] && (( top > __safesm_seen )); then
    text=$'\\n'$(HISTTIMEFORMAT= builtin history $((top - __safesm_seen)))
    for ((n = __safesm_seen + 1; n <= top; n++)); do  # drop the numbers history prints
      printf -v number '%5d' "$n"
      text=${text/$'\\n'"$number"[* ] /$'\\n'}
    done
    if __safesm_is_risky "$text"; then
      for ((n = top; n > __safesm_seen; n--)); do builtin history -d "$n"; done
    fi
    top=$((HISTCMD - 1))
  fi
  __safesm_seen=$top
  : "$last"
  return "$status"
}
__safesm_current=$(trap -p EXIT)
if [[ $__safesm_current != *__safesm_history_guard* ]]; then
  if [[ -n $__safesm_current ]]; then  # yours stays, after the guard
    eval "__safesm_current=($__safesm_current)"  # trap -- 'COMMANDS' EXIT
    trap -- "__safesm_history_guard exit; ${__safesm_current[2]}" EXIT
  else
    trap -- '__safesm_history_guard exit' EXIT
  fi
fi
unset __safesm_current
case $'\\n'"${PROMPT_COMMAND-}"$'\\n' in
  *$'\\n'__safesm_history_guard$'\\n'*) ;;
  *) PROMPT_COMMAND="__safesm_history_guard${PROMPT_COMMAND:+$'\\n'$PROMPT_COMMAND}" ;;
esac
case ":${HISTCONTROL-}:" in
  *:ignorespace:*|*:ignoreboth:*) ;;
  *) HISTCONTROL="${HISTCONTROL:+$HISTCONTROL:}ignorespace" ;;
esac
"""


def _bash_snippet() -> str:
    return f"""\
# safesm shell-init bash: keep commands that carry secrets out of bash history.
# Each command is checked when the prompt returns (first in PROMPT_COMMAND) and when the
# shell exits; one that carries a secret is deleted from history before bash writes it.
# Adds ignorespace to HISTCONTROL; your own settings stay.
__safesm_match() {{ [[ $1 =~ $2 ]]; (( $? != 1 )); }}
__safesm_exempt() {{ [[ $1 =~ $2 ]]; }}  # only a match: a regex error exempts nothing
__safesm_is_risky() {{
  local LC_ALL=C f=${{1,,}} q=
  [[ $1 == *[\\"\\'\\\\]* ]] && q=1  # quoting may split a needle
{_posix_checks("  ", bash=True)}
  return 1
}}
{_BASH_HOOKS}"""


def _zsh_snippet() -> str:
    return f"""\
# safesm shell-init zsh: keep commands that carry secrets out of zsh history.
# Adds a zshaddhistory hook next to yours (add-zsh-hook) and sets HIST_IGNORE_SPACE.
__safesm_match() {{ [[ $1 =~ $2 ]]; (( $? != 1 )); }}
__safesm_exempt() {{ [[ $1 =~ $2 ]]; }}  # only a match: a regex error exempts nothing
__safesm_is_risky() {{
  emulate -L zsh
  local LC_ALL=C MATCH MBEGIN MEND f=${{(L)1}} q=
  [[ $1 == *[\\"\\'\\\\]* ]] && q=1  # quoting may split a needle
  local -a match mbegin mend
{_posix_checks("  ", bash=False)}
  return 1
}}
__safesm_zshaddhistory() {{
  __safesm_is_risky "${{1%$'\\n'}}" && return 1
  return 0
}}
setopt HIST_IGNORE_SPACE
autoload -Uz add-zsh-hook
add-zsh-hook zshaddhistory __safesm_zshaddhistory
"""


# What runs the check in fish: key bindings (fish 3) or fish_should_add_to_history (4+).
_FISH_HOOKS = """if string match -qr '^[0-3][.]' -- $version
    # fish 3: a command that starts with a space is not saved, so every key that runs
    # the command line adds one to a risky command first.
    function __safesm_execute --description 'safesm: run the line, keeping secrets out of history'
        set -l cmd (commandline | string collect)
        if not string match -q -- ' *' "$cmd"; and __safesm_is_risky "$cmd"
            set -l cursor (commandline -C)
            commandline -r -- " $cmd"
            commandline -C (math $cursor + 1)
        end
        if contains -- "$fish_bind_mode" default replace
            and test "$fish_key_bindings" != fish_default_key_bindings
            set fish_bind_mode insert  # what Enter does in vi normal and replace mode
            commandline -f repaint-mode
        end
        commandline -f execute
    end
    # Enter, and Ctrl+Enter / Shift+Enter as CSI-u and modifyOtherKeys terminals send them.
    for mode in default insert replace
        for key in \\r \\n \\e\\[13\\;5u \\e\\[27\\;5\\;13~ \\e\\[13\\;2u \\e\\[27\\;2\\;13~
            bind -M $mode $key __safesm_execute
        end
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


def _fish_snippet() -> str:
    return f"""\
# safesm shell-init fish: keep commands that carry secrets out of fish history.
function __safesm_match --description 'safesm: true on a match, or when the regex fails'
    string match -qr -- $argv[1] $argv[2] 2>/dev/null
    test $status -ne 1
end
function __safesm_is_risky --description 'safesm: does this command line carry a secret?'
    set -l f (string lower -- $argv[1] | string collect)
    set -l q false  # quoting may split a needle
    string match -qr -- '["\\'\\\\\\\\]' $argv[1]; and set q true
{_fish_checks("    ")}
    return 1
end
{_FISH_HOOKS}"""


def snippet(shell: str) -> str:
    """The text `safesm shell-init SHELL` prints for the user's rc file."""
    return {"bash": _bash_snippet, "zsh": _zsh_snippet, "fish": _fish_snippet}[shell]()
