"""The real command on bad input: `make html` exits non-zero, says what is wrong, and writes nothing.

Each test first builds the sample site into an output folder, then runs the
failing build into the same folder and checks, file by file, that nothing in
it changed and that no staging folder was left beside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import textwrap
import time
from pathlib import Path

from sitebuild import ROOT

BROKEN = "tests/fixtures/records/broken"  # as an operator would type it, relative to the project

# One line per case the issue lists, exactly as stderr must show it.
EXPECTED_RECORD_PROBLEMS = [
    f"{BROKEN}/Bad_Name.yaml:1: file: file name 'Bad_Name.yaml' is not a valid id; "
    "name it <id>.yaml with lower-case a-z, 0-9 and '-', starting with a letter or digit",
    f"{BROKEN}/alias-bomb.yaml:8: yaml: anchors and aliases (&name, *name) are not allowed in records",
    f"{BROKEN}/bad-metrics.yaml:8: retention_rate: 120 is above 100",
    f"{BROKEN}/bad-metrics.yaml:9: hires_last_year: cannot read 'たくさん'; write a number (12), a range (10~14名), "
    "an open range (90名以上, 5名未満) or {min: …, max: …}",
    f"{BROKEN}/bad-metrics.yaml:10: average_stay: range 14~10 runs backwards",
    f"{BROKEN}/empty.yaml:1: file: file is empty; a record needs at least name, prefecture, city, services, disabilities, updated",
    f"{BROKEN}/impossible-date.yaml:7: updated: '2026-02-30' is not a real date",
    f"{BROKEN}/javascript-url.yaml:8: url: 'javascript:alert(document.cookie)' is not an http(s) address",
    f"{BROKEN}/missing-required.yaml:1: city: required field is missing",
    f"{BROKEN}/negative-walk.yaml:10: access[0].walk_minutes: -3 is out of range; use minutes from 0 to 240",
    f"{BROKEN}/same-id.yaml:1: file: id 'same-id' is used by more than one file (same-id.yaml, same-id.yml)",
    f"{BROKEN}/same-id.yml:1: file: id 'same-id' is used by more than one file (same-id.yaml, same-id.yml)",
    f"{BROKEN}/shift-jis.yaml:1: encoding: file is not valid UTF-8 (byte 0x83); save it as UTF-8 (Shift_JIS and UTF-16 are not read)",
    f"{BROKEN}/syntax-error.yaml:6: yaml: syntax error: did not find expected ',' or ']' (while parsing a flow sequence started on line 5)",
    f"{BROKEN}/unknown-disability.yaml:6: disabilities[1]: unknown value '視覚'; use one of 精神, 知的, 発達, 身体, 難病",
    f"{BROKEN}/unknown-key.yaml:8: retension_rate: unknown field; did you mean 'retention_rate'?",
    f"{BROKEN}/unknown-prefecture.yaml:2: prefecture: unknown prefecture '東京'; did you mean '東京都'?",
]


def make_html_command(**variables: str) -> tuple[list[str], dict[str, str]]:
    """`make html VAR=value …` and the environment an operator's shell gives it."""
    # PYTHONUNBUFFERED left out as well: an operator's shell has none, so stdout is a buffered pipe here too.
    dropped = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "FACILITIES", "CONTENT", "OUTPUTDIR", "DEBUG", "PYTHONUNBUFFERED")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return ["make", "--no-print-directory", "html", *(f"{k}={v}" for k, v in variables.items())], env


def make_html(**variables: str) -> subprocess.CompletedProcess:
    """`make html VAR=value …` in the project folder, as an operator runs it."""
    command, env = make_html_command(**variables)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with the SHA-256 of each file's bytes."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        entries[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return entries


def built_output(tmp_path: Path) -> Path:
    output = tmp_path / "site" / "out"
    first = make_html(OUTPUTDIR=str(output))
    assert first.returncode == 0, first.stderr
    # The command leaves with os._exit (build.py): its piped, buffered summary must still arrive.
    assert first.stdout.splitlines()[-1].startswith("facility_site: "), first.stdout
    assert "file(s) new or changed" in first.stdout.splitlines()[-1], first.stdout
    assert (output / "index.html").is_file() and (output / "facilities" / "current" / "index.html").is_file()
    return output


def assert_failed_without_writing(result: subprocess.CompletedProcess, output: Path, before: dict, inode: int) -> None:
    assert result.returncode != 0
    assert snapshot(output) == before  # the same files, byte for byte
    assert output.stat().st_ino == inode  # and the same folder, not a rebuilt copy
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]  # no staging folder left behind


def test_bad_records_fail_the_build_report_every_problem_and_change_nothing(tmp_path):
    output = built_output(tmp_path)
    before, inode = snapshot(output), output.stat().st_ino

    result = make_html(FACILITIES=BROKEN, OUTPUTDIR=str(output))

    assert_failed_without_writing(result, output, before, inode)
    stderr_lines = result.stderr.splitlines()
    missing = [line for line in EXPECTED_RECORD_PROBLEMS if line not in stderr_lines]
    assert missing == [], result.stderr
    assert f"{len(EXPECTED_RECORD_PROBLEMS)} problem(s) in facility records; nothing was written:" in result.stderr
    # the one valid record in the folder is not reported
    assert f"{BROKEN}/valid-one.yaml" not in result.stderr


def test_unknown_facility_in_an_article_fails_the_build_and_changes_nothing(tmp_path):
    output = built_output(tmp_path)
    before, inode = snapshot(output), output.stat().st_ino
    content = tmp_path / "content"
    article = content / "articles" / "bad-embed.md"
    article.parent.mkdir(parents=True)
    article.write_text(
        textwrap.dedent(
            """\
            Title: 埋め込みの確認
            Slug: bad-embed
            Date: 2026-11-20

            本文です。

            {% facility current %}

            {% facility no-such-id %}
            """
        ),
        encoding="utf-8",
    )

    result = make_html(CONTENT=str(content), OUTPUTDIR=str(output))

    assert_failed_without_writing(result, output, before, inode)
    assert f"{article}:9: facility: unknown facility id 'no-such-id'" in result.stderr.splitlines(), result.stderr
    assert "facility id 'current'" not in result.stderr  # the known id on line 7 is fine


def test_a_fixed_folder_builds_again_into_the_same_output(tmp_path):
    # The failed build leaves the old site in place; the next good one replaces it.
    output = built_output(tmp_path)
    assert make_html(FACILITIES=BROKEN, OUTPUTDIR=str(output)).returncode != 0
    records = tmp_path / "records"
    records.mkdir()
    (records / "only-one.yaml").write_bytes((ROOT / BROKEN / "valid-one.yaml").read_bytes())
    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)  # the sample articles embed the sample facilities

    result = make_html(FACILITIES=str(records), CONTENT=str(content.parent), OUTPUTDIR=str(output))

    assert result.returncode == 0, result.stderr
    assert (output / "facilities" / "only-one" / "index.html").is_file()
    assert not (output / "facilities" / "current").exists()
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]


def make_html_started(**variables: str) -> subprocess.Popen:
    """`make html VAR=value …` started in the background (as a second terminal would run it)."""
    command, env = make_html_command(**variables)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_build_waits_while_another_build_into_the_same_output_runs(tmp_path):
    """`make html` while `make devserver` rebuilds: the second waits for the first, then builds; nothing is left beside the output."""
    from facility_site.build import one_build_at_a_time

    output = built_output(tmp_path)
    with one_build_at_a_time(output.resolve()):  # as the other build holds it
        waiting = make_html_started(OUTPUTDIR=str(output))
        time.sleep(8)  # long enough for a whole build of the sample site
        assert waiting.poll() is None  # still waiting: it has not built
        assert not any(p.name.startswith(".out.staging-") for p in output.parent.iterdir())
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, err
    assert f"another build into {output.resolve()} is running; waiting for it to finish" in err
    assert "file(s) new or changed" in out
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]


def test_two_builds_started_together_into_one_output_both_succeed_and_give_one_site(tmp_path):
    output = built_output(tmp_path)
    expected = snapshot(output)
    first, second = make_html_started(OUTPUTDIR=str(output)), make_html_started(OUTPUTDIR=str(output))
    results = [(process.wait(timeout=600), process.communicate()[1]) for process in (first, second)]
    assert [code for code, _ in results] == [0, 0], results
    assert snapshot(output) == expected
    assert sorted(p.name for p in output.parent.iterdir()) == ["out"]
