"""Helpers the search tests share: synthetic records, and waiting on the search page in a browser."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml
from sitebuild import ROOT

# The results list once a search has finished.
READY = '[data-results][aria-busy="false"]'


def write_synthetic_records(folder: Path, count: int, seed: int) -> Path:
    """`count` records from tools/synth.py (what `make synth` writes) as YAML files in `folder`."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "tools" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, record in synth.generate(count, seed=seed):
        (folder / f"{record_id}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def shown_ids(tab) -> list[str]:
    return tab.eval_on_selector_all("[data-results] [data-facility-id]", "cards => cards.map(c => c.dataset.facilityId)")


def settle(tab, action) -> None:
    """Run an action that starts a search and wait for its final results."""
    tab.evaluate(
        """() => {
        window.__searchDone = false;
        const list = document.querySelector('[data-results]');
        const seen = new MutationObserver(() => {
            if (list.getAttribute('aria-busy') === 'false') { window.__searchDone = true; seen.disconnect(); }
        });
        seen.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
    }"""
    )
    action()
    tab.wait_for_function("() => window.__searchDone === true")
