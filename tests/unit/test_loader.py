"""aws/loader.py gives botocore the same answers with less work."""

from __future__ import annotations

import botocore.loaders
import pytest
from botocore.exceptions import UnknownServiceError

from safesm.aws import loader


@pytest.fixture
def pair():
    """A new lean loader (the process keeps one, which clients already used) and botocore's."""
    return loader._made.__wrapped__(""), botocore.loaders.create_loader()


@pytest.mark.parametrize("type_name", ["service-2", "endpoint-rule-set-1", "paginators-1"])
def test_known_services_answer_as_botocore(pair, type_name):
    lean, stock = pair
    known, expected = lean.list_available_services(type_name), stock.list_available_services(
        type_name)
    for name in ("secretsmanager", "sts", "kms", "s3", "no-such-service", "", "../data"):
        assert (name in known) == (name in expected), name
    assert list(known) == list(expected) and len(known) == len(expected)
    assert known[0] == expected[0]


def test_models_are_the_same_data(pair):
    lean, stock = pair
    for type_name in ("service-2", "endpoint-rule-set-1"):
        assert lean.load_service_model("secretsmanager", type_name) == \
            stock.load_service_model("secretsmanager", type_name)
    assert lean.load_data("endpoints") == stock.load_data("endpoints")


def test_an_unknown_service_is_still_refused(pair):
    with pytest.raises(UnknownServiceError):
        pair[0].load_service_model("no-such-service", "service-2")

