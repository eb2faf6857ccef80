"""The one fetch (pure logic; the emulator, which refuses more than 20 ids per call as AWS
does, checks the real calls in tests/cli/test_env.py and tests/e2e/test_exec.py)."""

from __future__ import annotations

from safesm.ops.batch import MAX_PER_CALL, Wanted, chunks, fetch
from safesm.values import SecretValue


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str]]] = []

    def get_values(self, ids: list[str], labels: list[str]) -> list[SecretValue]:
        self.calls.append((ids, labels))
        return [SecretValue(f"v-{i}".encode()) for i in ids]


def test_chunks_never_exceed_20():
    assert MAX_PER_CALL == 20
    assert [len(c) for c in chunks([str(i) for i in range(45)])] == [20, 20, 5]
    assert [len(c) for c in chunks([str(i) for i in range(45)], size=50)] == [20, 20, 5]
    assert chunks([]) == []


def test_each_id_is_read_once_in_calls_of_at_most_20_with_its_first_label():
    wanted = [Wanted(f"s{i % 30}", f"label {i}") for i in range(60)]
    store = Recorder()
    found = fetch(store, wanted)  # type: ignore[arg-type]
    assert [len(ids) for ids, _ in store.calls] == [20, 10]
    assert store.calls[0][1][:2] == ["label 0", "label 1"]
    assert {k: v.reveal_text() for k, v in found.items()} == {f"s{i}": f"v-s{i}"
                                                               for i in range(30)}
