"""Whole-page HTML transforms, applied as each page's template is rendered.

Every generator's Jinja environment (Pelican's articles and pages, the
facility pages and every output part) renders through TransformingTemplate.
When a template renders a whole page (the Writer's context names the
`output_file`), each function in `env.page_transforms` gets the HTML and that
context and returns the HTML to write. Fragments rendered on their own
(embedded cards) are left alone: they are transformed as part of their page.

A transform is a plain function `(html, context) -> html`, so it runs in
whatever process renders the page; the glossary's first-use links are one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from jinja2 import Environment, Template

PageTransform = Callable[[str, Mapping], str]


class TransformingTemplate(Template):
    def render(self, *args, **kwargs) -> str:
        html = super().render(*args, **kwargs)
        transforms = self.environment.page_transforms
        if transforms:
            # The Writer passes one context dict; anything else is copied the way Jinja reads it.
            context = args[0] if len(args) == 1 and not kwargs and isinstance(args[0], Mapping) else dict(*args, **kwargs)
            if context.get("output_file"):
                for transform in transforms:
                    html = transform(html, context)
        return html


def install(env: Environment, transforms: tuple[PageTransform, ...]) -> None:
    """Render `env`'s templates through the transforms, in order (before any template is loaded)."""
    env.extend(page_transforms=[])
    env.template_class = TransformingTemplate
    env.page_transforms.extend(t for t in transforms if t not in env.page_transforms)
