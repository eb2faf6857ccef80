"""safesm: AWS Secrets Manager from the terminal, the safe way."""

__version__ = "0.1.0"
