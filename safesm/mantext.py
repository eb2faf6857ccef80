"""The hand-written sections of man/safesm.1, as roff lines (see safesm/manpage.py)."""

from __future__ import annotations

SECTIONS_BEFORE = r"""
.SH DESCRIPTION
\fBsafesm\fR stores and reads AWS Secrets Manager secrets the safe way.
\fBaws secretsmanager create\-secret \-\-secret\-string\fR puts the value in shell
history, in \fBps\fR output and in audit logs of commands; \fBsafesm\fR never takes a
value from the command line.
It reads values from a hidden prompt, a file or standard input, and hands them back
through a pipe or the clipboard, which it clears after a timeout.
.SH VALUE INPUT
.IP 1. 4
\fB\-\-file\fR \fIPATH\fR: the file's exact bytes, no newline stripping.
\fB\-\-file \-\fR reads standard input, exact.
A warning is printed when the file is readable by group or others.
.IP 2. 4
Otherwise, when standard input is not a terminal, it is read to end of file and exactly
one trailing newline (\fB\en\fR or \fB\er\en\fR) is removed, unless \fB\-\-keep\-newline\fR.
.IP 3. 4
Otherwise a hidden prompt asks twice; a mismatch asks again, at most three times, then
\fBsafesm\fR exits 7 without writing.
\fB\-\-multiline\fR accepts PEM or JSON (finish with Esc then Enter).
.IP 4. 4
Never from the command line: a surplus argument, or an option that would carry a value
(\fB\-\-secret\-string\fR, \fB\-\-secret\-binary\fR, \fB\-\-value\fR, \fB\-\-password\fR,
\fB\-\-passwd\fR, \fB\-\-secret\fR), is refused with exit 2 before any network call and
is never echoed.
The message says the text is probably in the shell history now and how to remove it.
.IP 5. 4
Before any network call, an empty value, a value over 65,536 bytes, or one that is not
valid UTF\-8 (without \fB\-\-binary\fR) is refused with exit 7; a name outside
\fB[A\-Za\-z0\-9/_+=.@\-]{1,512}\fR is refused with exit 2.
.IP 6. 4
Overwriting an existing secret (or an existing field with \fB\-\-key\fR) asks on a
terminal; a script must pass \fB\-\-force\fR, or \fBsafesm\fR exits 5.
Every confirmation follows one rule: answering no and a script without
\fB\-\-yes\fR/\fB\-\-force\fR both exit 5 with nothing changed.
.SH VALUE OUTPUT
When standard output is a pipe or a file, \fBget\fR writes the exact value with no
newline added; binary secrets are written as raw bytes.
When standard output is a terminal, the value goes to the clipboard (see
\fBCLIPBOARD\fR), never to the screen, unless \fB\-\-print\fR is given.
\fB\-\-field\fR \fIKEY\fR extracts one key of a JSON secret: strings bare, anything else
as JSON.
Several names are read in one BatchGetSecretValue sweep and written as one JSON object
mapping each name to its value; they never go to the clipboard or the screen without
\fB\-\-print\fR, and a failing name is reported by its position, never echoed.
A value never appears in the arguments or environment of a process \fBsafesm\fR starts,
in its log lines (\fB\-\-debug\fR redacts request and response bodies), in error messages
or tracebacks, in temporary files or in core dumps (core dumps are disabled and the
process is made non\-dumpable while a value is held).
.SH CLIPBOARD
On a terminal, \fBsafesm get\fR copies the value and restores the clipboard
\fB\-\-clip\-timeout\fR seconds later (default 45, \fBSAFESM_CLIP_TIME\fR, config
\fBclip_timeout\fR; 0 never clears).
Backends, first usable wins: Wayland (\fBwl\-copy \-\-sensitive\fR where supported), X11
(\fBxclip\fR, then \fBxsel\fR), macOS (\fBpbcopy\fR), Windows, WSL (\fBclip.exe\fR).
The value reaches a helper only on its standard input.
With no usable clipboard \fBsafesm\fR exits 9 before reading the secret.
.PP
A detached clearer, started before the copy, survives the command, the terminal closing
and a SIGKILL of the command.
It knows only a salted hash of the value.
When the time is up it restores what the clipboard held before, unless you copied
something else meanwhile; a new \fBget\fR takes over a pending clearer, so the clipboard
returns to what it held before the first copy.
Where KDE Klipper runs, its history is cleared if it holds the value.
Other clipboard managers may keep their own copy.
.PP
\fB\-\-osc52\fR (automatic over SSH with no local clipboard) copies through the
terminal with the OSC 52 escape, wrapped for tmux; a remote clipboard cannot be read
back, so after the timeout \fBsafesm\fR only sends an empty OSC 52 while the session
lives.
.SH POLICIES
Every secret \fBput\fR creates gets a resource policy that denies reading to every
principal not on the readers list and writing to every principal not on the writers
list; both start with the creator as STS GetCallerIdentity reports it (an assumed
role's session becomes the role).
Policy management is never denied, so an administrator cannot be locked out.
Widen the lists with \fB\-\-reader\fR/\fB\-\-writer\fR, the config keys
\fBreaders\fR/\fBwriters\fR, or \fBpolicy grant\fR; \fB\-\-no\-default\-policy\fR opts out
with a warning.
Every policy write calls ValidateResourcePolicy first and passes
\fBBlockPublicPolicy\fR; a finding stops the write with exit 8.
\fBpolicy lint\fR reports broad access, wildcard actions, cross\-account principals,
\fBaws:SourceIp\fR and VPC endpoint conditions with stable rule ids;
\fBpolicy iam\fR and \fBpolicy kms\fR print least\-privilege identity and key policies.
.SH HISTORY
\fBeval "$(safesm shell\-init bash)"\fR (or \fBzsh\fR, or \fBsafesm shell\-init fish |
source\fR) keeps commands that carry secrets out of the history file: inline
\fBaws secretsmanager \-\-secret\-string\fR values, \fBexport *PASSWORD=\fR..., \fBvault kv
put\fR with values, \fBsafesm put NAME VALUE\fR mistakes and access key ids.
It adds to \fBHISTIGNORE\fR/\fBHISTCONTROL\fR (bash), a \fBzshaddhistory\fR hook (zsh) or
the leading\-space rule (fish) without replacing your own settings.
.PP
\fBhistory scan\fR finds such entries in bash, zsh and fish history files and prints
them with the secret masked (exit 8 when it finds any); \fBhistory scrub\fR removes them,
or masks them with \fB\-\-mask\fR, rewriting each file atomically and keeping every
other entry byte for byte.
Running shells still hold the entries in memory: \fBscrub\fR prints the command that
drops them for your shell.
A command that carried a secret was also visible in process listings while it ran;
nothing can undo that.
.SH PROFILES AND MFA
A profile with \fBrole_arn\fR and \fBmfa_serial\fR asks for the MFA code on the terminal
(\fI/dev/tty\fR, even when standard input is a pipe) once per session: the temporary
credentials are kept in the OS keyring, never in a file.
A script with no terminal and no cached session exits 4; run \fBsafesm session login
\-\-profile\fR \fIP\fR first.
With no keyring back end, caching is off and every run asks.
.SH AGENT
\fBsafesm agent start\fR runs a per\-user process that keeps a warm client and, for
\fB\-\-ttl\fR seconds (default 300, at most 3600; 0 keeps no values), the values it
read, in memory only (at most 1,000).
\fBget\fR, TAB completion of secret names and every command that reads values ask it
first when it serves the same profile, Region, endpoint and credential environment;
otherwise they read directly, as without it.
After the TTL a value is read again only if DescribeSecret shows that AWSCURRENT moved;
an error from AWS is never answered with a stale value.
Every write \fBsafesm\fR makes drops the secret from a running agent before the command
returns; \fBget \-\-fresh\fR reads past the cache and \fBagent clear\fR drops everything.
.PP
The agent listens only on a unix socket in \fI$XDG_RUNTIME_DIR/safesm/\fR (else
\fIsafesm\-UID\fR under \fB$TMPDIR\fR or \fI/tmp\fR), in a 0700 directory that must be
yours and not a symlink, with the socket mode 0600; a connection from another uid, root
included, is closed unread (SO_PEERCRED).
It is non\-dumpable with core dumps off and locks its memory where the kernel allows
(\fBagent status\fR says when it could not).
It exits after \fB\-\-idle\fR minutes without a request (default 15), wiping its cache,
as \fBagent stop\fR does.
\fBagent start \-\-log\fR \fIPATH\fR appends one line per request (time, peer pid and
uid, secret name, hit or miss), never a value.
""".strip().split("\n")

SECTIONS_AFTER = r"""
.SH ENVIRONMENT
.TP
\fBAWS_PROFILE\fR, \fBAWS_REGION\fR, \fBAWS_DEFAULT_REGION\fR
The AWS profile and region, unless \fB\-\-profile\fR or \fB\-\-region\fR is given.
.TP
\fBAWS_ENDPOINT_URL_SECRETS_MANAGER\fR, \fBAWS_ENDPOINT_URL\fR
The Secrets Manager endpoint, unless \fB\-\-endpoint\-url\fR is given.
.TP
\fBAWS_CONFIG_FILE\fR, \fBAWS_SHARED_CREDENTIALS_FILE\fR
Where botocore finds profiles and credentials, as for the AWS CLI.
.TP
\fBXDG_CONFIG_HOME\fR, \fBXDG_CACHE_HOME\fR
Where the configuration file and the name cache live.
.TP
\fBSAFESM_CLIP_TIME\fR
Seconds before the clipboard is restored (default 45; 0 never clears).
.TP
\fBSAFESM_AGENT\fR
\fBoff\fR, \fBuse\fR (default: ask a running agent) or \fBauto\fR (start one in the
background when none runs).
.TP
\fBXDG_RUNTIME_DIR\fR
Where the agent's socket and the clipboard clearer's files live.
.SH FILES
.TP
\fI~/.config/safesm/config.toml\fR
Settings: \fBprofile\fR, \fBregion\fR, \fBendpoint_url\fR, \fBclip_timeout\fR,
\fBreaders\fR, \fBwriters\fR, \fBagent\fR, \fBagent_ttl\fR, \fBagent_idle\fR.
Flags beat environment, which beats this file.
.TP
\fI~/.cache/safesm/names/\fR
Secret names (never values) for TAB completion, one file per profile, region and
endpoint, mode 0600 in 0700 directories.
Refreshed by \fBlist\fR and, when older than five minutes, in the background by
completion.
.TP
\fI$XDG_RUNTIME_DIR/safesm/\fR (else \fI~/.cache/safesm/\fR)
The pending clipboard clearer's socket and lock file, mode 0700; never a value or the
old clipboard text.
The agent's socket \fIagent.sock\fR (0600) and lock \fIagent.lock\fR live in the same
directory (without \fB$XDG_RUNTIME_DIR\fR: \fI$TMPDIR/safesm\-UID/\fR).
.SH EXAMPLES
Store a value typed at a hidden prompt:
.PP
.RS
.nf
$ safesm put db/prod
Value for db/prod: ********
Again, to confirm: ********
.fi
.RE
.PP
Store a generated value from a pipeline, overwriting:
.PP
.RS
.nf
$ openssl rand \-base64 32 | safesm put db/prod \-\-force
.fi
.RE
.PP
Feed one field of a JSON secret to a program:
.PP
.RS
.nf
$ safesm get db/prod \-\-field password | psql "host=db user=app" \-f query.sql
.fi
.RE
.PP
Keep risky commands out of bash history from now on:
.PP
.RS
.nf
$ echo 'eval "$(safesm shell\-init bash)"' >> ~/.bashrc
.fi
.RE
.SH SEE ALSO
\fBaws\fR(1), \fBpass\fR(1), \fBbash\fR(1) (HISTIGNORE), \fBzshmisc\fR(1)
""".strip().split("\n")
