"""The site's Content-Security-Policy and the other security headers, in one place.

The theme has no inline scripts, inline styles or style attributes, and loads
nothing from another origin, so everything can be limited to the site itself.
The one exception is the visit planner's optional relay (inquiry_endpoint):
its form POSTs with fetch(), so the endpoint's origin is allowed to connect
and to receive forms.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# Sent as headers by the hosts that read `_headers` (Netlify, Cloudflare Pages).
# Geolocation stays available to the site itself (「現在地から近い順」); the
# other powerful features are turned off for it and for anything it frames.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"),
)


def endpoint_origin(endpoint: str | None) -> str | None:
    """The origin of an absolute inquiry endpoint ("https://forms.example.jp"); None for none or a site path."""
    if not endpoint or endpoint.startswith("/"):
        return None
    parts = urlsplit(endpoint)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def content_security_policy(options: dict, header: bool = False) -> str:
    """The policy for every page: the `<meta>` version, or with `header=True` the HTTP header version.

    A `<meta>` policy cannot carry frame-ancestors (browsers ignore it there),
    so only the header forbids other sites to frame the pages.
    """
    origin = endpoint_origin(options.get("inquiry_endpoint"))
    extra = f" {origin}" if origin else ""
    directives = [
        "default-src 'self'",
        f"connect-src 'self'{extra}",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action 'self'{extra}",
    ]
    if header:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)
