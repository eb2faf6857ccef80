"""The only package that imports botocore (inside functions, never at import time).

client.py     the botocore session/client, timeouts, error translation
secrets.py    reads and writes of values and metadata
policies.py   resource policies
identity.py   STS caller identity
store.py      SecretStore: the three above over one client
credcache.py  the keyring-backed MFA / assume-role session cache
"""
