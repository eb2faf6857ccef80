"""The hand-written start of man/safesm.1, as roff lines (see safesm/manpage.py; the end
is in mantext_end.py)."""

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
With \fB\-\-binary\fR, standard input is taken exactly as given.
.IP 3. 4
Otherwise a hidden prompt asks twice; a mismatch asks again, at most three times, then
\fBsafesm\fR exits 7 without writing.
With \fB\-\-key\fR \fIFIELD\fR the prompt names the field.
\fB\-\-multiline\fR accepts PEM or JSON in one paste ended with Ctrl\-D (or Esc then
Enter), confirmed by its line and byte counts, never its text.
The terminal's echo is off from the start of \fBput\fR and keys typed before the prompt
are discarded; no cursor\-position query is sent, and a dumb terminal
(\fBTERM=dumb\fR) gets a plain prompt with echo off.
\fB\-\-file\fR naming the terminal (\fI/dev/stdin\fR, \fI/dev/tty\fR) is refused like
\fB\-\-file \-\fR.
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
terminal, before the value is typed; a script must pass \fB\-\-force\fR, or
\fBsafesm\fR exits 5.
Every confirmation follows one rule: answering no and a script without
\fB\-\-yes\fR/\fB\-\-force\fR both exit 5 with nothing changed.
.SH VALUE OUTPUT
When standard output is a pipe or a file, \fBget\fR writes the exact value with no
newline added; binary secrets are written as raw bytes.
When standard output is a terminal, the value goes to the clipboard (see
\fBCLIPBOARD\fR), never to the screen, unless \fB\-\-print\fR is given; then it ends
with a newline, and a binary value (or one holding control characters) is refused with
exit 7: redirect it to a file.
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
It never restores a secret: content another password manager marked
(\fBx\-kde\-passwordManagerHint\fR and the macOS/Windows equivalents), a value
\fBsafesm\fR copied earlier, or content whose types cannot be listed (\fBxsel\fR, macOS,
Windows, WSL) is cleared instead.
Where KDE Klipper runs, its history is cleared if it holds the value.
Other clipboard managers may keep their own copy.
.PP
\fB\-\-osc52\fR copies through the terminal with the OSC 52 escape, wrapped for tmux;
it is never chosen without the flag, since the value then travels in the terminal
stream, which \fBscript\fR, tmux logging and terminal recorders save.
A remote clipboard cannot be read back, so after the timeout \fBsafesm\fR only sends
an empty OSC 52 while the session lives.
.SH POLICIES
Every secret \fBput\fR creates gets a resource policy that denies reading to every
principal not on the readers list and writing to every principal not on the writers
list; both start with the creator as STS GetCallerIdentity reports it (an assumed
role's session becomes the role).
Policy management is never denied, so an administrator cannot be locked out.
Widen the lists with \fB\-\-reader\fR/\fB\-\-writer\fR, the config keys
\fBreaders\fR/\fBwriters\fR, or \fBpolicy grant\fR; \fB\-\-no\-default\-policy\fR opts out
with a warning.
A new secret is created without a value, its policy attached, and only then is the value
written, so a value never exists without its policy; an interrupted \fBput\fR leaves at
most an empty secret and says how to finish or remove it.
A grant only adds access: on a secret without a resource policy (made outside
\fBsafesm\fR) \fBpolicy grant\fR adds Allow statements for the principals given, so
nobody who reads it through IAM today is cut off.
\fBpolicy grant \-\-start\-from\-default\fR and \fBpolicy apply \-\-default\fR limit
access to safesm's lists instead: they first say in plain words who loses access, then
ask on a terminal; a script passes \fB\-\-yes\fR, and "no" or a script without it exits 5
with nothing changed.
Every policy write calls ValidateResourcePolicy first and passes
\fBBlockPublicPolicy\fR; a finding stops the write with exit 8.
\fBpolicy lint\fR reports broad access, wildcard actions, cross\-account principals,
\fBaws:SourceIp\fR and VPC endpoint conditions with stable rule ids.
A condition every caller meets is not a restriction: \fBForAllValues:\fR on a key the
request may lack, a key compared with its own policy variable
(\fBaws:PrincipalAccount = ${aws:PrincipalAccount}\fR), or \fBaws:SourceIp\fR ranges
holding more public addresses than one /8; such a policy is broad access and is refused.
\fBpolicy show\fR says "only X can read" only while safesm's deny statement still
applies to the secret, and otherwise says why not (another \fBResource\fR, a condition
that can never hold); \fBpolicy lint\fR reports it as SM109/SM110.
\fBpolicy iam\fR and \fBpolicy kms\fR print least\-privilege identity and key policies.
The default policy does not limit policy management: a principal allowed
\fBPutResourcePolicy\fR or \fBDeleteResourcePolicy\fR, or \fBDeleteSecret\fR and
\fBCreateSecret\fR, can get around it; \fBpolicy iam NAME \-\-guard\fR prints the Deny
statements that close those paths, for the identity policy of every role that must not
take them.
.SH HISTORY
\fBeval "$(safesm shell\-init bash)"\fR (or \fBzsh\fR, or \fBsafesm shell\-init fish |
source\fR) keeps commands that carry secrets out of the history file: inline
\fBaws secretsmanager \-\-secret\-string\fR values, \fBexport *PASSWORD=\fR..., \fBvault kv
put\fR with values, passwords in URLs, \fBcurl \-u\fR and \fBmysql \-p\fR, values piped or
here\-stringed into \fBsafesm put\fR, \fBsafesm put NAME VALUE\fR mistakes, key material
and access key ids; whole commands, also when typed over several lines.
It adds a \fBPROMPT_COMMAND\fR and \fBEXIT\fR check that deletes the entry (bash), a
\fBzshaddhistory\fR hook (zsh) or the leading\-space rule on every key that runs the line
(fish) without replacing your own settings.
\fBsafesm exec \-e VAR=NAME\fR alone is left in history when NAME holds a \fB/\fR or
\fB#\fR (\fBdb/prod#password\fR): it names a secret, it holds none.
.PP
\fBhistory scan\fR finds such entries in bash, zsh and fish history files and prints
them with the secret masked (exit 8 when it finds any); \fBhistory scrub\fR removes them,
or masks them with \fB\-\-mask\fR, rewriting each file atomically and keeping every
other entry byte for byte, under the locks the shells take (an entry a shell writes
meanwhile is kept). Only regular files are read, block by block.
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
.SH LIFECYCLE
\fBrotation set\fR checks the schedule before any call: \fB\-\-every\fR 4\-23 hours
(\fB4h\fR) or 1\-1000 days (\fB30d\fR), or \fB\-\-cron\fR with six fields, minutes 0
and year \fB*\fR, windows at least 4 hours apart; \fB\-\-window\fR \fIN\fR\fBh\fR
must close before the next window and the end of the UTC day.
It reads the rotation Lambda's execution role (lambda:GetFunctionConfiguration) and
evaluates the secret's resource policy for it: a policy that would deny it
GetSecretValue, PutSecretValue, UpdateSecretVersionStage or DescribeSecret makes
\fBrotation set\fR and \fBrotate\fR exit 8 with the \fBpolicy grant\fR command that
fixes it, unless \fB\-\-grant\-rotator\fR (or yes on a terminal) grants it.
A policy restricting \fBaws:SourceIp\fR, \fBaws:SourceVpc\fR or
\fBaws:SourceVpce\fR is warned about (SM111).
\fBrotate\fR follows the new version until it is AWSCURRENT; a rotation that does not
finish (AWSPENDING left behind) exits 5 with the Lambda's log group, and
\fBrotation abandon\fR removes the label.
Secrets whose rotation another service manages (OwningService) are shown, never changed.
.PP
\fBreplication add\fR, \fBremove\fR and \fBpromote\fR refuse unknown Regions before any
call; \fBpromote\fR calls StopReplicationToReplica in the replica's Region.
\fBgenerate\fR and \fBput \-\-generate\fR follow GetRandomPassword's rules (length 32,
every type) but generate locally with Python's \fBsecrets\fR module.
\fBrollback\fR and \fBedit\fR write only if AWSCURRENT is still the version they read
(exit 5 otherwise); \fBedit\fR keeps the value in a 0600 file in a 0700 directory on
tmpfs (\fI$XDG_RUNTIME_DIR\fR or \fI/dev/shm\fR), removed however the edit ends.
\fBupdate\fR changes description, KMS key and tags without a new version.
.SH AUDIT, TRAIL AND SCAN
\fBaudit\fR checks every secret without reading its value (GetSecretValue would reset
\fBLastAccessedDate\fR): rotation off (SMA101, Security Hub SecretsManager.1), not
rotating as scheduled or a stuck AWSPENDING (SMA102, SMA103; SecretsManager.2), unused
(SMA104; SecretsManager.3, \fB\-\-unused\-days\fR 1\-365, default 90), not rotated or
changed (SMA105; SecretsManager.4, \fB\-\-max\-rotation\-days\fR 1\-180, default 90),
missing tags (SMA106; SecretsManager.5, \fB\-\-required\-tag\fR, at most 6), the
\fBpolicy lint\fR rules, network conditions that block rotation (SMA107), a customer
managed key not bound to Secrets Manager by \fBkms:ViaService\fR or an encryption context
(SMA301), failed or unsynced replicas (SMA401, SMA402) and scheduled deletion (SMA501).
Each finding gives the fix as a safesm command.
It exits 8 when a finding is at or above \fB\-\-fail\-on\fR (default high); a check
that could not run is reported as not evaluated, never as passed, and then the exit code
is that error's (4 or 6).
.PP
\fBtrail\fR shows CloudTrail event history for a secret: time, event, caller ARN,
source IP, user agent (safesm's own calls say \fBsafesm/\fR\fIVERSION\fR) and error code,
with rotation and version\-deletion events flagged; at most 2 requests a second, and no
further back than 90 days (older events: CloudTrail Lake or a trail).
.PP
\fBscan\fR finds hardcoded secrets in files with the detect\-secrets plugins of the
optional \fBsafesm[scan]\fR extra (bc\-detect\-secrets), skipping \fI.git/\fR, binary,
symlinked and gitignored files and AWS's documented example keys.
It prints file, line, kind and a keyed HMAC fingerprint, never the value, and exits 8
when it finds any.
\fB\-\-migrate\fR \fIPREFIX\fR stores each value, read from the file, under
\fIPREFIX\fR with the default policy, and never rewrites a file: git history still holds
the values, so rotate them.
.SH PROGRAMS
\fBexec\fR, \fBenv\fR, \fBinject\fR and \fBimport\fR hand values to programs and bring
\fI.env\fR files in.
.PP
\fBSources\fR (\fBexec\fR and \fBenv\fR, each repeatable):
\fB\-e\fR \fIVAR\fR\fB=\fR\fINAME\fR sets \fIVAR\fR to a secret,
\fB\-e\fR \fIVAR\fR\fB=\fR\fINAME\fR\fB#\fR\fIFIELD\fR to one field of a JSON secret;
\fB\-\-from\fR \fINAME\fR sets one variable per top\-level key of a JSON secret;
\fB\-\-prefix\fR \fIPATH/\fR one variable per secret under \fIPATH/\fR, named after the
rest of its name.
Derived names are upper case with every character outside \fB[A\-Za\-z0\-9_]\fR made
\fB_\fR; one that still is not a valid name is an error naming the secret (exit 2).
Two sources for one variable, or a source for a variable the command would inherit,
exit 5 naming both, unless \fB\-\-override\fR: then \fB\-e\fR beats \fB\-\-from\fR beats
\fB\-\-prefix\fR, and a later option beats an earlier one.
.PP
Every value is read before anything runs, with BatchGetSecretValue in calls of at most
20 ids; any failure exits with \fBsafesm\fR's own code and nothing runs.
A binary secret, or a value holding a NUL character, cannot be a variable (exit 7).
.PP
\fBexec\fR looks the command up in \fBPATH\fR first (not found: 127, not executable:
126), then replaces itself with it (\fBexecve\fR): the exit code, signals and terminal
are the command's own, and it gets back the umask, core\-dump limit and SIGPIPE handling
\fBsafesm\fR changed for itself.
The values are in its environment only.
\fBAWS_ACCESS_KEY_ID\fR, \fBAWS_SECRET_ACCESS_KEY\fR, \fBAWS_SESSION_TOKEN\fR and
\fBAWS_SECURITY_TOKEN\fR are not passed on unless \fB\-\-keep\-aws\-credentials\fR.
\fB\-\-pristine\fR passes on only \fBPATH\fR, \fBHOME\fR, \fBUSER\fR, \fBLOGNAME\fR,
\fBSHELL\fR, \fBTERM\fR, \fBLANG\fR, \fBLANGUAGE\fR, \fBLC_*\fR, \fBTZ\fR and
\fBTMPDIR\fR.
The command's environment holds \fBSAFESM_EXEC=1\fR; a \fBsafesm exec\fR inside it
refuses (exit 2) unless \fB\-\-nested\fR.
.PP
\fBexec \-\-mask\fR keeps a supervisor that shows the command's output with every
injected value replaced by \fB****\fR.
Standard streams that are a terminal become a pty for the command (colours stay; what
you type goes to it), the others stay pipes.
INT, TERM, HUP, QUIT, USR1 and USR2 are forwarded to the command's process group, WINCH
resizes its pty; the command gets SIGKILL if the supervisor dies (Linux); the exit code
is the command's, or 128+N for signal N.
Values shorter than 4 characters are not masked.
.PP
\fBenv \-\-format\fR \fBdotenv\fR writes \fINAME\fR\fB="..."\fR with backslash escapes
(read with interpolation off), \fBshell\fR writes \fBexport\fR \fINAME\fR\fB='...'\fR,
\fBjson\fR one object, \fBgithub\-actions\fR the \fB$GITHUB_ENV\fR heredoc form on
standard output and \fB::add\-mask::\fR for every line of every value on standard error.
.PP
\fBinject\fR replaces \fB{{ sm://\fR\fINAME\fR\fB }}\fR and
\fB{{ sm://\fR\fINAME\fR\fB#\fR\fIFIELD\fR\fB }}\fR and nothing else; a reference that
does not parse or resolve is reported with its line and column, and nothing is written.
.PP
\fBenv\fR and \fBinject\fR refuse a terminal without \fB\-\-print\fR; \fB\-o\fR
\fIFILE\fR is created 0600 through a temporary file in the same directory and a rename,
and an existing file is replaced only with \fB\-\-force\fR (exit 5).
.PP
\fBimport\fR reads a \fI.env\fR file as python\-dotenv does (without expanding
\fB${VAR}\fR) or a flat JSON object, checks everything before the first write, reports
problems by line number and never by content, skips existing secrets unless
\fB\-\-force\fR, creates new ones as \fBput\fR does (with the default policy), and
reminds you that the plaintext file still holds the values.
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
