"""The reader composes a record's nodes from the event stream it checks: the same nodes yaml.compose makes."""

from pathlib import Path

import pytest
import yaml
from facility_site.records import reader
from facility_site.records.fields import RecordSource

FIXTURES = Path(__file__).parent.parent / "fixtures" / "records"

TRICKY = """\
name: "引用符の 名前"
name_kana: 'いんようふ'
empty:
nested:
  - {station: 横浜駅, walk_minutes: 5, lines: [JR, 市営地下鉄]}
  - station: 関内駅
    notes: |
      一行目
      二行目
  -
    - 1
    - 2.5
    - null
folded: >
  折り返し
  された文
flags: {a: yes, b: no, c: ~, d: 2026-10-01}
"""


def _shape(node):
    marks = (node.start_mark.line, node.start_mark.column, node.start_mark.index, node.end_mark.line, node.end_mark.column, node.end_mark.index)
    base = (type(node).__name__, node.tag, marks)
    if isinstance(node, yaml.ScalarNode):
        return (*base, node.value, node.style)
    if isinstance(node, yaml.SequenceNode):
        return (*base, node.flow_style, [_shape(item) for item in node.value])
    return (*base, node.flow_style, [(_shape(key), _shape(value)) for key, value in node.value])


def _texts():
    yield "tricky", TRICKY
    for path in sorted(FIXTURES.glob("valid_*/*.yaml")):
        yield path.name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "text"), list(_texts()))
def test_the_nodes_equal_pyyamls_composer(name, text):
    source = RecordSource(name)
    nodes = reader._compose(text, source)
    assert source.problems == []
    expected = yaml.compose(text, Loader=reader._RecordLoader)
    assert _shape(nodes) == _shape(expected)
    assert len(nodes.value) >= 2


def test_a_refused_event_stops_before_composing_the_rest():
    source = RecordSource("x.yaml")
    assert reader._compose("name: a\nlinks: &one [1]\nagain: *one\n", source) is None
    assert [(p.line, p.field) for p in source.problems] == [(2, "yaml")]
