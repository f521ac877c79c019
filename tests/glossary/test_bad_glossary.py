"""A malformed glossary stops `make html` with every problem as file:line: field: problem, and writes nothing."""

from __future__ import annotations

from glossary_fixtures import content_with
from test_build import assert_failed_without_writing, built_output, make_html, snapshot

BROKEN = """\
    updated: 2026-13-01
    entries:
      - id: Shuro_Ikou
        term: 就労移行支援
        reading: shuro ikou
        text: 働くための練習をします。
      - id: teichaku
        term: 就労移行支援
        reading: しゅうろうていちゃくしえん
        txt: 就職したあとを支えます。
      - id: teichaku
        term: 率
        reading: りつ
        aliases: なかぽつ
        text: わりあいです。
      - id: 2024
        term: 一般就労
        reading: いっぱんしゅうろう
        text: ""
    """


def test_every_problem_in_the_glossary_is_reported_and_nothing_is_written(tmp_path):
    output = built_output(tmp_path)
    before, inode = snapshot(output), output.stat().st_ino
    content = content_with(tmp_path / "content", BROKEN)
    path = content / "glossary.yaml"

    result = make_html(CONTENT=str(content), OUTPUTDIR=str(output))

    assert_failed_without_writing(result, output, before, inode)
    expected = [
        f"{path}:1: updated: must be a date as YYYY-MM-DD, not '2026-13-01'",
        f"{path}:3: entries[0].id: 'Shuro_Ikou' must be lower-case a-z, 0-9 and '-' (it is the address /glossary/#id)",
        f"{path}:5: entries[0].reading: must be written in kana (ひらがな or カタカナ)",
        f"{path}:7: entries[1].text: missing",
        f"{path}:8: entries[1].term: '就労移行支援' is already a spelling of 'Shuro_Ikou'",
        f"{path}:10: entries[1].txt: unknown field; did you mean 'text'?",
        f"{path}:11: entries[2].id: 'teichaku' is already the id of the entry on line 7",
        f"{path}:12: entries[2].term: '率' is too short to find in text; use two characters or more",
        f"{path}:14: entries[2].aliases: must be a list of other spellings ([…, …])",
        f"{path}:16: entries[3].id: must be text (put it in quotes)",
        f"{path}:19: entries[3].text: is empty",
    ]
    lines = result.stderr.splitlines()
    assert [line for line in expected if line not in lines] == [], result.stderr
    assert f"{len(expected)} problem(s) in the glossary; nothing was written:" in result.stderr


def test_a_glossary_that_is_not_yaml_names_its_line(tmp_path):
    output = built_output(tmp_path)
    before, inode = snapshot(output), output.stat().st_ino
    content = content_with(tmp_path / "content", "updated: 2026-11-28\nentries:\n  - id: [a\n")

    result = make_html(CONTENT=str(content), OUTPUTDIR=str(output))

    assert_failed_without_writing(result, output, before, inode)
    assert any(line.startswith(f"{content / 'glossary.yaml'}:4: yaml: syntax error:") for line in result.stderr.splitlines()), result.stderr
