"""Import the official open data (障害福祉サービス等情報公表システム) into facility records.

The journey of one import, one module per stage:

    CSV files ──csv_reader──▶ rows ──offices──▶ offices ──merge──▶ plans ──yaml_store──▶ facilities/*.yaml
              (encoding, header,   (duplicates,     (ids, hand edits     (round-trip YAML,
               one row decoded)     satellites)      kept, conflicts)     atomic writes)

`report` prints the outcome; `cli` is the command (`make import`).
"""

from .cli import ImportAbortedError, run_import  # noqa: F401
