"""The readings against a hand-checked corpus of site labels and typical facility text.

Word-exact: a ruby word counts as right when the output has the same base
at the same place with the same reading. Ruby the corpus does not expect
(on kana, or split differently) counts against the score too.
"""

from __future__ import annotations

from pathlib import Path

from facility_site.furigana.reading import Furigana, notation, parse_notation

CORPUS = Path(__file__).with_name("corpus.tsv")
REQUIRED = 0.98


def ruby_words(segments) -> set[tuple[int, str, str]]:
    """(offset, base, reading) of each segment with ruby."""
    words, offset = set(), 0
    for base, read in segments:
        if read:
            words.add((offset, base, read))
        offset += len(base)
    return words


def load_corpus() -> list[tuple[str, list[tuple[str, str]]]]:
    entries = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            phrase, expected = line.split("\t")
            assert "".join(b for b, _ in parse_notation(expected)) == phrase, f"corpus line spells another text: {line}"
            entries.append((phrase, parse_notation(expected)))
    return entries


def score(entries) -> tuple[int, int, list[str]]:
    furigana = Furigana()
    right = total = 0
    misses = []
    for phrase, expected in entries:
        want = ruby_words(expected)
        got = ruby_words(furigana.segments(phrase))
        right += len(want & got)
        total += len(want | got)
        if want != got:
            misses.append(f"{phrase}: got {notation(furigana.segments(phrase))}, expected {notation(expected)}")
    return right, total, misses


def test_corpus_is_big_enough():
    entries = load_corpus()
    assert len(entries) >= 200
    assert sum(len([s for s in expected if s[1]]) for _, expected in entries) >= 600


def test_readings_are_word_exact(capsys):
    right, total, misses = score(load_corpus())
    rate = right / total
    with capsys.disabled():
        print(f"\nfurigana corpus: {right}/{total} ruby words exact ({rate:.1%}); phrases with a miss: {len(misses)}")
        for miss in misses:
            print(f"  {miss}")
    assert rate >= REQUIRED, "\n".join(misses)


def test_a_wrong_reading_lowers_the_score():
    # The measure can fail: the same corpus with one reading changed scores lower.
    entries = load_corpus()
    phrase, expected = entries[0]
    broken = [(phrase, [(b, "まちがい" if r else r) for b, r in expected])] + entries[1:]
    assert score(broken)[0] < score(entries)[0]
