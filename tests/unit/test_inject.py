"""The inject template language (pure): one reference form, positions, nothing else touched."""

from __future__ import annotations

import pytest

from safesm.errors import ExitCode, UsageError
from safesm.ops.inject import parse, render

TEMPLATE = """host: db.example.com
password: {{ sm://db/prod#password }}
token: "{{sm://api/token}}"   # no spaces needed
helm: {{ .Values.image }} and ${HOME} and $(id) stay
arn: {{ sm://arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf }}
"""


def test_references_with_line_and_column():
    refs = parse(TEMPLATE)
    assert [(r.name, r.field, r.line, r.column) for r in refs] == [
        ("db/prod", "password", 2, 11), ("api/token", None, 3, 9),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf", None, 5, 6)]


def test_render_replaces_only_references():
    refs = parse(TEMPLATE)
    out = render(TEMPLATE, refs, {refs[0]: "p\"w'$x\n", refs[1]: "{{ sm://not/again }}",
                                  refs[2]: "a"})
    assert out.splitlines()[1] == "password: p\"w'$x"
    assert '"{{ sm://not/again }}"' in out  # a value is never read as a template
    assert "{{ .Values.image }} and ${HOME} and $(id) stay" in out


@pytest.mark.parametrize(("text", "where"), [
    ("ok\n  {{ sm://db prod }}", "line 2, column 3"),
    ("{{ sm:// }}", "line 1, column 1"),
    ("x {{ sm://db#}}", "line 1, column 3"),
    ("x {{ sm://db", "line 1, column 3"),
    ("{{ sm://a\nb }}", "line 1, column 1"),
    ("é {{ sm://na!me }}", "line 1, column 3"),
])
def test_malformed_references_name_line_and_column(text, where):
    with pytest.raises(UsageError) as e:
        parse(text)
    assert where in e.value.message and e.value.exit_code == ExitCode.USAGE


def test_a_template_without_references_is_unchanged():
    assert parse("{{ x }} sm:// {{sm:/x}}") == []
