"""The --mask output filter (pure): values are replaced wherever the reads split them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safesm.launch.masker import MARKER, Masker
from tests.properties import UNIT


def through(masker: Masker, chunks: list[bytes]) -> bytes:
    return b"".join(masker.feed(c) for c in chunks) + masker.flush()


def test_a_value_is_replaced():
    assert through(Masker([b"hunter2!"]), [b"pw=hunter2!\n"]) == b"pw=****\n"


def test_a_value_split_across_reads_is_still_replaced():
    m = Masker([b"hunter2!"])
    assert m.feed(b"pw=hun") == b"pw="  # the start of a value is held back
    assert m.feed(b"ter2! ok") == b"**** ok"


def test_held_bytes_that_were_no_value_come_out():
    m = Masker([b"hunter2!"])
    assert m.feed(b"say hun") == b"say "
    assert m.feed(b"gry") == b"hungry"
    assert m.feed(b"hu") == b""
    assert m.flush() == b"hu"  # after a quiet moment, or at the end


def test_colours_around_a_value_stay():
    out = through(Masker([b"s3cr3t"]), [b"\x1b[31ms3cr3t\x1b[0m"])
    assert out == b"\x1b[31m****\x1b[0m"


def test_the_longest_value_wins_and_a_value_inside_another_is_masked():
    m = Masker([b"abcd", b"abcdefgh"])
    assert through(m, [b"xxabcdef", b"gh yy abcd"]) == b"xx**** yy ****"
    assert through(Masker([b"abcd", b"abcdefgh"]), [b"abcdef", b"zz"]) == b"****efzz"


def test_overlapping_values():
    assert through(Masker([b"abcd", b"cdxy"]), [b"abcd"]) == b"****"


def test_a_multi_line_value_as_a_pty_shows_it():
    m = Masker([b"line1\nline2"])
    assert through(m, [b"-line1\r\nline2-"]) == b"-****-"
    assert through(Masker([b"line1\nline2"]), [b"-line1\nline2-"]) == b"-****-"


def test_short_values_are_not_masked():
    assert through(Masker([b"abc"]), [b"abcabc"]) == b"abcabc"


def test_no_values_passes_everything():
    assert through(Masker([]), [b"anything"]) == b"anything"


secrets = st.binary(min_size=4, max_size=12).filter(lambda b: MARKER not in b)


@given(st.lists(secrets, min_size=1, max_size=3), st.binary(max_size=30),
       st.lists(st.integers(min_value=0, max_value=80), max_size=6))
@UNIT
def test_no_value_survives_any_split(values, filler, cuts):
    stream = filler.join(values) + filler + values[0]
    pieces, last = [], 0
    for cut in sorted(c % (len(stream) + 1) for c in cuts):
        pieces.append(stream[last:cut])
        last = cut
    pieces.append(stream[last:])
    out = through(Masker(values), pieces)
    for value in values:
        assert value not in out
