"""Pure parts of `safesm scan`: example keys, merging plugin hits, names, PEM blocks."""

from __future__ import annotations

import pytest

from safesm.models import ScanFinding
from safesm.ops import scan
from safesm.scanfiles import is_binary, keyed_hash


@pytest.mark.parametrize(("value", "example"), [
    ("AKIAIOSFODNN7EXAMPLE", True), ("AKIAI44QH8DHBEXAMPLE", True),
    ("ASIAIOSFODNN7EXAMPLE", True),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", True),
    ("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", True),
    ("AKIAZ7QWERTYUIOP1234", False), ("AKIAEXAMPLE", False),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX", False),
])
def test_aws_documented_example_keys(value, example):
    assert scan.is_example(value) is example


def test_merge_keeps_the_longest_value_and_the_most_specific_kind():
    token = "ghp_" + "a" * 36
    assert scan._merge([("ghp", "GitHub Token"), (token, "Secret Keyword")]) == [
        (token, "GitHub Token")]
    assert scan._merge([("k" * 40, "Base64 High Entropy String"), ("k" * 40, "AWS Access Key"),
                        ("k" * 40, "Secret Keyword")]) == [("k" * 40, "AWS Access Key")]
    assert sorted(scan._merge([("one-value", "Secret Keyword"), ("two", "JSON Web Token")])) \
        == [("one-value", "Secret Keyword"), ("two", "JSON Web Token")]


@pytest.mark.parametrize(("path", "kind", "line", "name"), [
    ("src/settings.py", "AWS Access Key", 2, "app/src/settings.py/aws-access-key-L2"),
    ("./x y.env", "Secret Keyword", 1, "app/x-y.env/secret-keyword-L1"),
    ("/abs/päth", "Private Key", 9, "app/abs/p-th/private-key-L9"),
])
def test_names_are_valid_secret_names(path, kind, line, name):
    from safesm.values import NAME_RE

    got = scan.name_for("app/", ScanFinding(path, line, kind, "fp"))
    assert got == name and NAME_RE.fullmatch(got)


def test_pem_block_is_the_whole_key():
    data = (b"x = 1\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAA\nBBB\n"
            b"-----END OPENSSH PRIVATE KEY-----\ny = 2\n")
    assert scan._pem_block(data, 3) == (b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAA\nBBB\n"
                                        b"-----END OPENSSH PRIVATE KEY-----")
    assert scan._pem_block(b"no key here\n", 1) is None


def test_fingerprint_depends_on_the_key():
    assert keyed_hash(b"k1", b"v") != keyed_hash(b"k2", b"v")
    assert keyed_hash(b"k1", b"v") == keyed_hash(b"k1", b"v")
    assert len(keyed_hash(b"k", b"v")) == len("hmac-sha256:") + 32


def test_binary_detection(tmp_path):
    (tmp_path / "t").write_bytes(b"text\n" * 10)
    (tmp_path / "b").write_bytes(b"abc\0def")
    assert not is_binary(str(tmp_path / "t")) and is_binary(str(tmp_path / "b"))
