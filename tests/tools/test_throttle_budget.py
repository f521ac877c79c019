"""The fetching-key budgets of tools/throttle.py: body bytes, and whole packets as Chromium's emulation sends them."""

from __future__ import annotations

import sys

import pytest
from sitebuild import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import throttle  # noqa: E402


def test_twenty_small_files_cost_twenty_packets_not_their_bytes():
    # 20 card files of 600 bytes: 12,000 bytes of bodies (57 ms at 1.6 Mbit/s), but 20 packets (143 ms).
    assert throttle.transfer_budget_ms(20 * 600) == pytest.approx(150 + 12_000 / 209_715.2 * 1000 + 16)
    assert throttle.packet_budget_ms([600] * 20) == pytest.approx(150 + 20 * 1500 / 209_715.2 * 1000 + 16)
    # A large file is its bytes rounded up to whole packets; an empty body still one packet.
    assert throttle.packet_budget_ms([4728, 0]) == pytest.approx(150 + (4 + 1) * 1500 / 209_715.2 * 1000 + 16)


def test_keys_are_counted_within_each_budget():
    keys = [
        {"ms": 200.0, "requests": 1, "budget_ms": 189.0, "packet_budget_ms": 195.0},  # within neither
        {"ms": 190.0, "requests": 1, "budget_ms": 189.0, "packet_budget_ms": 195.0},  # within packets only
        {"ms": 180.0, "requests": 1, "budget_ms": 189.0, "packet_budget_ms": 195.0},  # within both
        {"ms": 9.0, "requests": 0, "budget_ms": 16.0, "packet_budget_ms": 16.0},  # no fetch
    ]
    summary = throttle.summarize_keys(keys, {})
    assert summary["fetch_keys"] == 3 and summary["no_fetch_keys"] == 1
    assert summary["fetch_within_budget"] == 1
    assert summary["fetch_within_packet_budget"] == 2
