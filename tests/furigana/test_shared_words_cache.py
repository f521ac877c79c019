"""The shared words with the build cache's memo: a rebuild takes away the records that went and adds the ones
that came (furigana/shared.py _Tally) and chooses exactly the words reading every record again would."""

from __future__ import annotations

import hashlib
import logging

from facility_site.furigana.reading import Furigana
from facility_site.furigana.shared import choose_words
from pelican.log import LimitFilter

LABELS = ["都道府県から探す"]


def keyed(records: list[list[str]]) -> list[bytes]:
    return [b"k:" + hashlib.sha256("\0".join(texts).encode()).digest() for texts in records]


def test_a_rebuild_s_words_from_the_memo_are_those_of_reading_every_record(caplog):
    caplog.set_level(logging.DEBUG, logger="facility_site")
    furigana = Furigana()
    first = [["新宿で働く"], ["新宿の駅前"], ["新宿から近い"], ["渋谷で働く"], ["渋谷の駅前"], ["池袋から近い"], ["上野で働く"]]
    assert {"新宿", "渋谷"} <= choose_words(furigana, LABELS, first).words.keys()
    for keys in (None, keyed):
        memo: dict = {}
        choose_words(furigana, LABELS, first, memo, keys(first) if keys else None)
        # 渋谷 drops to one record (an edit), 池袋 rises to two, 上野's record goes, a record comes twice.
        second = [["新宿で働く"], ["新宿の駅前"], ["新宿から近い"], ["池袋で働く"], ["渋谷の駅前"], ["池袋から近い"], ["大宮の駅前"], ["大宮の駅前"]]
        caplog.clear()
        LimitFilter._raised_messages.clear()  # Pelican's filter drops a message logged before
        again = choose_words(furigana, LABELS, second, memo, keys(second) if keys else None)
        assert again.words == choose_words(furigana, LABELS, second).words
        assert "池袋" in again.words and "大宮" in again.words and "渋谷" not in again.words
        assert any("2 of 8 record texts read again" in m for m in caplog.messages)  # the edited one and the new one (twice, one key)
        # And back: the memo follows each build.
        back = choose_words(furigana, LABELS, first, memo, keys(first) if keys else None)
        assert back.words == choose_words(furigana, LABELS, first).words and "渋谷" in back.words


def test_the_labels_words_are_read_once_for_the_same_labels(monkeypatch):
    """The memo keeps the words of the site's own labels with a digest of the labels: a rebuild that changed no
    template or label reads none of them again, and a changed label is read again, with the same words chosen."""
    from facility_site.furigana import shared

    furigana = Furigana()
    records = [["新宿で働く"], ["新宿の駅前"], ["渋谷で働く"]]
    read: list[str] = []
    words_of = shared.words_of
    monkeypatch.setattr(shared, "words_of", lambda f, texts: words_of(f, [read.append(t) or t for t in texts]))
    memo: dict = {}
    first = choose_words(furigana, LABELS, records, memo, keyed(records))
    assert LABELS[0] in read
    read.clear()
    assert choose_words(furigana, list(LABELS), records, memo, keyed(records)).words == first.words
    assert read == []  # neither a label nor a record read again
    labels = [*LABELS, "駅から近い事業所"]
    again = choose_words(furigana, labels, records, memo, keyed(records))
    assert read == labels
    assert again.words == choose_words(Furigana(), labels, records).words and "事業" in again.words


def test_the_phrase_table_digest_follows_every_phrase_and_reading():
    """Furigana.phrases_digest keys the shared-words memo (furigana/writer.py): one JSON text hashed once, instead of
    the phrase table walked value by value (about a tenth of a second at 30,000 names, on every build)."""
    table = {"新宿事業所": "しんじゅくじぎょうしょ", "渋谷オフィス": "しぶやおふぃす"}
    furigana = Furigana(table)
    digest = furigana.phrases_digest()
    assert digest == Furigana(dict(reversed(table.items()))).phrases_digest()  # the order of the table does not matter
    assert furigana.phrases_digest() is digest  # computed once
    others = [
        {**table, "新宿事業所": "しんじゅくじぎょうじょ"},
        {**table, "新宿事業所": (("新宿", "しんじゅく"), ("事業所", "じぎょうしょ"))},
        {"新宿事業所": "しんじゅくじぎょうしょ"},
    ]
    assert len({digest, *(Furigana(other).phrases_digest() for other in others)}) == 4


def test_the_page_and_readings_identities_follow_the_phrase_table_and_the_shared_words():
    """page_identity (every page's key) and identity_digest (the readings memo's key) take the phrase table as its
    digest: a changed reading changes both, the same table gives the same values, and the shared words change
    the readings' identity (the pages compare them word by word instead, pages/reuse.py)."""
    from facility_site.furigana.shared import SharedWords

    table = {"新宿事業所": "しんじゅくじぎょうしょ"}
    same, other = Furigana(dict(table)), Furigana({"新宿事業所": "しんじゅくじぎょうじょ"})
    assert Furigana(table).page_identity() == same.page_identity() != other.page_identity()
    assert Furigana(table).identity_digest() == same.identity_digest() != other.identity_digest()
    with_words = Furigana(dict(table))
    with_words.shared = SharedWords({"事業": "じぎょう"})
    assert with_words.identity_digest() not in (same.identity_digest(), None)
    assert with_words.page_identity() != same.page_identity()  # "shared words": True
