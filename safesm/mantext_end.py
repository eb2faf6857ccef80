"""The hand-written end of man/safesm.1 (ENVIRONMENT, FILES, EXAMPLES, SEE ALSO,
DIAGNOSTICS), as roff lines (see safesm/manpage.py; the start is in mantext.py)."""

from __future__ import annotations

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
Seconds before the clipboard is restored (default 45; 0 never clears), unless
\fB\-\-clip\-timeout\fR is given; config \fBclip_timeout\fR.
.TP
\fBSAFESM_CONNECT_TIMEOUT\fR
Seconds to wait for a connection to the endpoint (default 5; more than 0, at most 3600);
config \fBconnect_timeout\fR.
.TP
\fBSAFESM_READ_TIMEOUT\fR
Seconds to wait for an answer (default 15; more than 0, at most 3600); config
\fBread_timeout\fR.
.TP
\fBSAFESM_MAX_ATTEMPTS\fR, \fBAWS_MAX_ATTEMPTS\fR
Attempts per AWS call, retries included (default 4, 1 to 10); the first one set wins;
config \fBmax_attempts\fR.
.TP
\fB_SAFESM_COMPLETE\fR
Set by the completion scripts when they ask \fBsafesm\fR for candidates; not for
users.
.TP
\fBWAYLAND_DISPLAY\fR, \fBDISPLAY\fR, \fBXDG_RUNTIME_DIR\fR, \fBTMUX\fR
Which clipboard \fBget\fR uses (see \fBCLIPBOARD\fR), where its clearer keeps its
socket (and the agent its socket), and whether \fB\-\-osc52\fR wraps its escape for tmux.
.TP
\fBTERM\fR
\fBdumb\fR, \fBunknown\fR or unset: the hidden prompt is plain text with echo off, no
escape sequences.
.TP
\fBSAFESM_EXEC\fR
Set to 1 (never a value) in the environment of a command \fBsafesm exec\fR runs.
.TP
\fBSAFESM_AGENT\fR
\fBoff\fR, \fBuse\fR (default: ask a running agent) or \fBauto\fR (start one in the
background when none runs).
.SH FILES
.TP
\fI~/.config/safesm/config.toml\fR
Settings: \fBprofile\fR, \fBregion\fR, \fBendpoint_url\fR, \fBclip_timeout\fR,
\fBreaders\fR, \fBwriters\fR, \fBagent\fR, \fBagent_ttl\fR, \fBagent_idle\fR.
Flags beat environment, which beats this file.
.TP
\fI~/.cache/safesm/names/\fR
Secret names (never values) for TAB completion, one file per profile, region and
endpoint (and one beside it, ending in \fI.deleted\fR, of the names scheduled for
deletion, which \fBrestore\fR completes), mode 0600 in 0700 directories.
Refreshed by \fBlist\fR and, when older than five minutes, in the background by
completion.
Names holding control characters are not cached; bash, zsh and fish insert names quoted.
.TP
\fI.git/safesm\-scan.key\fR, \fI~/.local/share/safesm/safesm\-scan.key\fR
The random key of \fBscan\fR's fingerprints, per repository (or per user outside one),
mode 0600.
.TP
\fI$XDG_RUNTIME_DIR/safesm/\fR (else \fI~/.cache/safesm/\fR)
The pending clipboard clearer's socket and lock file, mode 0700, and (under
\fI$XDG_RUNTIME_DIR\fR only) keyed hashes of the last 32 values copied with their random
key, so that no clearer restores one; never a value or the old clipboard text.
The agent's socket \fIagent.sock\fR (0600) and lock \fIagent.lock\fR live in the same
directory (without \fB$XDG_RUNTIME_DIR\fR: \fI$TMPDIR/safesm\-UID/\fR).
.PP
A directory here that is not yours, not mode 0700, or a symbolic link is refused, not
repaired; files in it are never opened through a symbolic link and are replaced from a
new temporary file with a random name.
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
Feed one field of a JSON secret to a program that reads it from standard input:
.PP
.RS
.nf
$ safesm get ci/registry \-\-field token | docker login \-u ci \-\-password\-stdin ghcr.io
.fi
.RE
.PP
Give one field of a JSON secret to a program, in its environment only:
.PP
.RS
.nf
$ safesm exec \-e PGPASSWORD=db/prod#password \-\- psql \-h db.example.com \-U app
.fi
.RE
.PP
Write a private \fI.env\fR file, or fill in a template:
.PP
.RS
.nf
$ safesm env \-\-prefix app/prod/ \-o .env
$ safesm inject \-i config.yaml.tmpl \-o config.yaml
.fi
.RE
.PP
Rotate every 30 days in a 4\-hour window, letting the Lambda's role through the policy:
.PP
.RS
.nf
$ safesm rotation set db/prod \-\-every 30d \-\-window 4h \\
      \-\-lambda arn:aws:lambda:us\-east\-1:111122223333:function:rotate \-\-grant\-rotator
$ safesm rotate db/prod
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
\fBaws\fR(1), \fBpass\fR(1), \fBbash\fR(1) (PROMPT_COMMAND, history \-d), \fBzshmisc\fR(1)
""".strip().split("\n")

# After EXIT STATUS: the messages a user meets most, and what they mean.
DIAGNOSTICS = r"""
.SH DIAGNOSTICS
Messages never repeat what was typed on the command line (it may be a value pasted into
the wrong place): they name the option or position and the form it needs.
.TP
\fBmissing argument NAME.\fR
The command needs a secret name; every usage error ends with \fBTry 'safesm
\fR\fICOMMAND\fR\fB \-\-help'\fR naming the command that was run.
.TP
\fBno such command (the text given is not shown); did you mean get?\fR
The suggestion is one of \fBsafesm\fR's own command names.
\fBsafesm\fR or a command group with no command prints its help and exits 2.
.TP
\fBbad value for \-\-endpoint\-url: a URL of the form https://HOST[:PORT][/PATH]\fR
A setting of the wrong type or out of range, named by its source (a flag, an environment
variable, or \fBregion\fR in the config file), exits 2 before any AWS call.
.TP
\fBwarning: unknown key `reader` in config file PATH is ignored; did you mean `readers`?\fR
A config file key \fBsafesm\fR does not know is ignored, with this warning on every run.
.TP
\fBURL answered HTTP 404 (text/html): this does not look like Secrets Manager.\fR
The endpoint answered, but not with Secrets Manager's JSON; check \fB\-\-endpoint\-url\fR
(or the variable or config key named). Exit 6.
.TP
\fBthe AWS profile selected by \-\-profile is not in your AWS config or credentials file\fR
The name given is not repeated; the message lists the profiles that are configured (or
says \fBAWS_PROFILE\fR or the config file selected it).
A configured profile without credentials is named: \fBno AWS credentials found for
profile 'ci' (selected by AWS_PROFILE).\fR Both exit 4.
.TP
\fBsecret 'NAME' has no version with the stage label given to \-\-version\-stage.\fR
The secret exists, the version asked for does not; \fBsafesm versions\fR \fINAME\fR lists
them (exit 3).
A \fB\-\-version\-id\fR that is not 32 to 64 characters is a usage error (exit 2) before
any AWS call.
.TP
\fBsafesm: still waiting for URL; Ctrl\-C stops.\fR
A call has had no answer for 3 seconds (with \fB, retrying (attempt 2 of 4)\fR once a
retry is under way); printed once, only when standard error is a terminal and without
\fB\-\-quiet\fR.
.TP
\fBNothing changed: ...\fR
\fBrestore\fR of a secret that is not scheduled for deletion, \fBpolicy grant\fR of a
principal already granted and \fBpolicy revoke\fR of one never granted change nothing,
say so, and exit 0.
""".strip().split("\n")
