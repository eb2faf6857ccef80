"""The memory-only agent: a per-user process on a unix socket that keeps warm botocore
clients and, for a TTL, values in memory, so that a `get` costs a socket round trip.

- `paths`: where the socket lives and the checks that make it safe (stdlib only).
- `protocol`: the wire format and the peer check (builtins only: the lean client path
  imports it before anything else).
- `client`: what safesm's commands and the lean entry point ask an agent (stdlib only).
- `cache`: the pure LRU + TTL value cache.
- `service`: what the agent does with a request (context check, cache, AWS reads).
- `server`: the socket, the lock that keeps one agent per user, idle exit.
- `daemon`: the agent process: hardening, memory locking, starting one in the background.
"""
