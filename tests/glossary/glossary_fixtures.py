"""Content folders for the glossary tests: the sample articles plus a glossary.yaml written by the test."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from sitebuild import SAMPLE_CONTENT

# Every word the issue asks the glossary to explain.
REQUIRED_TERMS = (
    "就労移行支援",
    "就労定着支援",
    "就労継続支援A型",
    "就労継続支援B型",
    "自立訓練",
    "受給者証",
    "サービス等利用計画",
    "相談支援事業所",
    "就職定着率",
    "一般就労",
    "障害福祉サービス",
    "利用者負担",
    "障害者就業・生活支援センター",
)


def content_with(folder: Path, glossary: str | None, articles: dict[str, str] | None = None) -> Path:
    """A content folder at `folder`: the sample articles (or `articles`), and `glossary` as glossary.yaml."""
    if articles is None:
        shutil.copytree(SAMPLE_CONTENT / "articles", folder / "articles")
    else:
        (folder / "articles").mkdir(parents=True)
        for name, text in articles.items():
            (folder / "articles" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    if glossary is not None:
        (folder / "glossary.yaml").write_text(textwrap.dedent(glossary), encoding="utf-8")
    return folder
