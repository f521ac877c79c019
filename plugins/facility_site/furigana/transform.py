"""`add_ruby(html, furigana) -> html`: ruby over the kanji of a page's visible text.

A pure function of its inputs, so it can run in any process and after any
other transform of the running text (the glossary links, say): it only
wraps text between tags, so a link stays a link with ruby inside it.

Left alone: tags and their attributes (alt, aria-label, content …), and the
text of <script>, <style>, <title>, <textarea>, <select> (an <option> can
only hold text), <code>, <pre>, <svg>, <math>, <template>, an existing
<ruby>, and comments. Entities (&amp;) are kept as written and end a word.

A text that becomes several nodes is held in one <span>: a parent laid
out as flex or grid (a link with display:inline-flex) makes each child node
an item of its own, and a row of items does not wrap like text.

Each distinct text is converted once per Furigana object: labels repeat on
every page, so a national build analyses each label once.
"""

from __future__ import annotations

import re

from .reading import HAS_KANJI, KANJI_CHARS, Furigana, Segments

_SKIPPED = "script|style|title|textarea|select|code|pre|svg|math|template|ruby"
# Either a whole element whose text is left alone (consumed, kept as is), a
# comment, or a run of text after a tag that has a kanji in it. Every branch
# starts with < or >, which lets the regex engine skip ahead fast (a skipped
# element's last > is left for the text after it); tag names
# are matched in lower or upper case, not mixed (case-insensitive matching
# made the scan twice as slow).
_TOKEN = re.compile(
    rf"<(?:({_SKIPPED}|{_SKIPPED.upper()})\b[^>]*>.*?</\1\s*|!--.*?--)(?=>)|>([^<>]*[{KANJI_CHARS}][^<>]*)",
    re.DOTALL,
)
# The same scan, for readers of a page's text runs (group 2; group 1 marks a skipped element).
TEXT_RUNS = _TOKEN
_ENTITY = re.compile(r"(&[#0-9A-Za-z]+;)")
# Text runs converted so far, per Furigana object; bounded so that a national
# build's one-off texts (descriptions) do not pile up.
_CACHE_LIMIT = 100_000
# Texts converted so far (without their white space), per Furigana object: room for what `warm`
# converts at 30,000 facilities (about 5 texts each) and the pages' own texts after it.
_BODIES_LIMIT = 400_000


def ruby_markup(segments: Segments) -> str:
    """Segments as HTML; the bases are HTML text already (no < or &) and readings are kana.

    The reading is in the <rt>'s data-r, shown by CSS (`rt::before { content: attr(data-r) }`)
    only when ふりがな is on: the page's text (textContent, copy and paste, what
    search engines and the tests read) stays as written, with or without it.
    """
    return "".join(f'<ruby>{base}<rt data-r="{read}"></rt></ruby>' if read else base for base, read in segments)


def _marked(segments: Segments, shared) -> str:
    """Segments as HTML, the shared words the browser reads from words.json left bare (shared.py)."""
    plan = shared.plan(segments) if shared is not None else None
    if plan is None:
        return ruby_markup(segments)
    return "".join(f'<ruby>{base}<rt data-r="{read}"></rt></ruby>' if keep else base for (base, read), keep in zip(segments, plan, strict=True))


def marked_text(body: str, furigana: Furigana) -> str:
    """One text as HTML (escaped, without tags or white space around it) with ruby over its kanji.

    Kept per Furigana object by the text, so a text converted in the build's parent process
    before the render workers fork (`warm`) is converted once for all of them.
    """
    bodies = furigana.body_cache
    marked = bodies.get(body)
    if marked is None:
        if "&" in body:
            marked = "".join(piece if _ENTITY.fullmatch(piece) else ruby_markup(furigana.segments(piece)) for piece in _ENTITY.split(body))
        else:
            marked = _marked(furigana.segments(body), furigana.shared)
        if "<ruby>" in marked and (marked.count("<ruby>") > 1 or not (marked.startswith("<ruby>") and marked.endswith("</ruby>"))):
            # Several nodes now where there was one text: held in one <span> so that a
            # flex or grid parent still lays them out (and wraps them) as one item.
            marked = f"<span>{marked}</span>"
        if len(bodies) >= _BODIES_LIMIT:
            bodies.clear()
        bodies[body] = marked
    return marked


# Characters the templates' escaping changes: a text with none of them is the same in the HTML.
_ESCAPED = re.compile(r"""[&<>"']""")


def warm(texts, furigana: Furigana) -> None:
    """Convert the texts the pages will show (plain text, as in the records) ahead of the pages.

    Called in the build's parent process before the pages are rendered, so the render workers
    inherit each conversion instead of each making it again. Only a cache: a text no page
    shows costs its conversion and nothing else.
    """
    for text in texts:
        body = text.strip()
        if body and HAS_KANJI.search(body) and not _ESCAPED.search(body):
            marked_text(body, furigana)


def text_with_ruby(text: str, furigana: Furigana) -> str:
    """One run of HTML text (escaped, without tags) with ruby over its kanji."""
    cache = furigana.html_cache
    done = cache.get(text)
    if done is None:
        body = text.strip()
        start = len(text) - len(text.lstrip())
        done = text[:start] + marked_text(body, furigana) + text[start + len(body) :]
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[text] = done
    return done


# _TOKEN's two halves, run apart: the elements and comments left alone, then the text runs between
# them (no text run holds a <, so none overlaps one); two simple scans took half the time of one.
_LEFT_ALONE = re.compile(rf"<(?:({_SKIPPED}|{_SKIPPED.upper()})\b[^>]*>.*?</\1\s*|!--.*?--)(?=>)", re.DOTALL)
_RUN = re.compile(rf">([^<>]*[{KANJI_CHARS}][^<>]*)")


# Where a page may be cut into pieces converted on their own: a line break followed by nothing but
# spaces before the next tag. A text run cut there loses only trailing white space, which its
# conversion keeps as it is, so each piece converts to what the whole would.
_CUT = re.compile(r"\n(?=[ \t]*<)")
# Pieces converted so far, per Furigana object. Most of a page is lines every page of its kind
# has (the header, the menus, the forms, the footer): looking a piece up by its text is much
# cheaper than scanning it again. A piece is kept from its second sighting on (most lines with a
# facility's own text are seen once), and both are bounded.
_PIECES_LIMIT = 100_000
_SIGHTED_LIMIT = 2_000_000


def add_ruby(html: str, furigana: Furigana) -> str:
    """`html` with <ruby>漢字<rt data-r="かんじ"></rt></ruby> over every kanji word of its visible text."""

    cache = furigana.html_cache  # looked up here first: most runs (labels, menus) were seen on an earlier page
    pieces = furigana.piece_cache
    sighted = furigana.piece_sighted
    known_run = cache.get
    known_piece = pieces.get

    def new_piece(piece: str) -> str:
        parts = _RUN.split(piece)  # text, run, text, run, …: each run is a text after a tag, with a kanji
        if len(parts) == 1:
            done = piece
        else:
            parts[1::2] = [">" + (known_run(run) or text_with_ruby(run, furigana)) for run in parts[1::2]]
            done = "".join(parts)
        seen = hash(piece)
        if seen not in sighted:
            if len(sighted) >= _SIGHTED_LIMIT:
                sighted.clear()
            sighted.add(seen)
        else:
            if len(pieces) >= _PIECES_LIMIT:
                pieces.clear()
            pieces[piece] = done
        return done

    def converted(segment: str) -> str:
        return "\n".join([known_piece(piece) or new_piece(piece) for piece in _CUT.split(segment)])

    out = []
    pos = 0
    for alone in _LEFT_ALONE.finditer(html):
        out.append(converted(html[pos : alone.start()]))
        out.append(alone.group(0))
        pos = alone.end()
    out.append(converted(html[pos:]))
    return "".join(out)


# In a page's <head> (base.html, the `furigana_init` block): the browser puts this page's ruby on.
BROWSER_MARK = "data-furigana-readings="


def in_browser(html: str) -> bool:
    """Whether the page's ruby is put on in the browser (furigana/live.js), not at build time."""
    mark = html.find(BROWSER_MARK)
    return mark != -1 and mark < html.find("</head>")
