"""The only package that imports botocore (inside functions, never at import time).

client.py     the botocore session/client, timeouts, error translation
secrets.py    reads and writes of values and metadata
policies.py   resource policies
identity.py   STS caller identity
rotation.py   RotateSecret, CancelRotateSecret
replication.py  replicas: add, remove, promote (in the replica's Region)
lambdas.py    a rotation Lambda's execution role

store.py      SecretStore: all of the above over one client
credcache.py  the keyring-backed MFA / assume-role session cache
"""
