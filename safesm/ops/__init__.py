"""Operations: what a command does, given a SecretStore and plain arguments.

click-free and print-free: an operation returns results (models) or raises a
SafesmError; the command module parses, calls one or more operations, and renders.
Operations may call each other; they never import safesm.commands.
"""
