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
.SH VALUE OUTPUT
When standard output is a pipe or a file, \fBget\fR writes the exact value with no
newline added; binary secrets are written as raw bytes.
\fB\-\-print\fR writes the value to a terminal.
\fB\-\-field\fR \fIKEY\fR extracts one key of a JSON secret: strings bare, anything else
as JSON.
A value never appears in the arguments or environment of a process \fBsafesm\fR starts,
in its log lines (\fB\-\-debug\fR redacts request and response bodies), in error messages
or tracebacks, in temporary files or in core dumps (core dumps are disabled and the
process is made non\-dumpable while a value is held).
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
.SH FILES
.TP
\fI~/.config/safesm/config.toml\fR
Settings: \fBprofile\fR, \fBregion\fR, \fBendpoint_url\fR.
Flags beat environment, which beats this file.
.TP
\fI~/.cache/safesm/names/\fR
Secret names (never values) for TAB completion, one file per profile, region and
endpoint, mode 0600 in 0700 directories.
Refreshed by \fBlist\fR and, when older than five minutes, in the background by
completion.
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
.SH SEE ALSO
\fBaws\fR(1), \fBpass\fR(1)
""".strip().split("\n")
