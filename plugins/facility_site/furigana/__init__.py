"""ふりがな: readings over the kanji of every page, shown when a visitor switches them on.

- `reading.py`: text → ruby segments (SudachiPy, counters, okurigana, phrases).
- `overrides.py`: the operator's corrections, content/furigana.yaml.
- `transform.py`: `add_ruby(html, furigana) -> html`, a pure function of its inputs.
- `writer.py`: the Pelican hook that passes every written HTML page through it.
"""
