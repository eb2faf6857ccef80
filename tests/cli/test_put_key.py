"""put --key: the field lands on top of the version read, or not at all (compare-and-swap)."""

from __future__ import annotations

import json


def stages(sm, name: str) -> dict[str, list[str]]:
    page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    return {v["VersionId"]: v.get("VersionStages", []) for v in page["Versions"]}


def test_one_new_version_built_on_the_one_read(run, sm):
    first = sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))["VersionId"]
    result = run("put", "j", "--key", "b", "--json", input=b"2")
    assert result.exit_code == 0, result.stderr
    new = json.loads(result.stdout)["version_id"]
    assert stages(sm, "j") == {first: ["AWSPREVIOUS"], new: ["AWSCURRENT"]}
    assert json.loads(sm.get_secret_value(SecretId="j")["SecretString"]) == {"a": "1", "b": "2"}


def test_without_permission_to_swap_the_current_value_stays(run, sm, iam_user):  # noqa: F811
    sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))
    iam_user("dave", ["secretsmanager:UpdateSecretVersionStage"])
    result = run("put", "j", "--key", "b", input=b"2")
    assert result.exit_code == 4, result.stderr
    assert "secretsmanager:UpdateSecretVersionStage" in result.stderr
    assert "current value was left as it was" in result.stderr
    iam_user.off()
    assert json.loads(sm.get_secret_value(SecretId="j")["SecretString"]) == {"a": "1"}
