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
