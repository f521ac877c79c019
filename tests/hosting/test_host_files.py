"""The Content-Security-Policy of every page and the host files: `_headers`, netlify.toml, the Pages workflow."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml
from host_files import headers_for, matching, parse_headers, url_paths
from sitebuild import ROOT, build_site, parse, search_data

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
ENDPOINT = "https://Forms.Example.org:8443/relay/inquiry?src=site"


def policy(text: str) -> dict[str, list[str]]:
    """A CSP as {directive: [sources]}; a directive given twice raises (browsers ignore the second)."""
    directives: dict[str, list[str]] = {}
    for part in text.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in {text!r}"
        directives[name] = sources
    return directives


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def meta_policy(path: Path) -> str:
    doc = parse(path)
    metas = doc.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1, f"{path}: {len(metas)} CSP <meta> elements"
    # The policy applies only to what comes after it: it must precede every script, style and link.
    first = doc.head.find(["script", "link", "style", "meta"], attrs=lambda _: True)
    assert doc.head.find_all(["script", "link", "style"])[0].sourceline > metas[0].sourceline, path
    assert first is not None
    return metas[0]["content"]


@pytest.fixture(scope="module")
def relay_site(tmp_path_factory) -> Path:
    return build_site(
        tmp_path_factory.mktemp("relay") / "output",
        inquiry_endpoint=ENDPOINT,
        privacy_policy_url="https://example.org/privacy",
    )


def test_every_page_carries_the_strict_policy(sample_site):
    pages = html_files(sample_site)
    assert len(pages) >= 40
    for path in pages:
        directives = policy(meta_policy(path))
        assert directives == {
            "default-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
        }, path
        # frame-ancestors is ignored in <meta>; it belongs in the header only.
        assert "frame-ancestors" not in directives


def test_pages_have_nothing_the_policy_would_block(sample_site):
    """No inline script, style element, style attribute, event handler attribute or javascript: URL."""
    for path in html_files(sample_site):
        doc = parse(path)
        for script in doc.find_all("script"):
            assert script.get("src") or script.get("type") == "application/json", f"{path}: inline script {script}"[:300]
        assert not doc.find_all("style"), path
        for element in doc.find_all(True):
            names = set(element.attrs)
            assert "style" not in names, f"{path}: style attribute on <{element.name}>"
            assert not [name for name in names if name.startswith("on")], f"{path}: event handler on <{element.name}>"
            for name in ("href", "src", "action"):
                assert not str(element.get(name, "")).strip().lower().startswith("javascript:"), path
            loads = element.name in ("script", "img", "iframe", "object", "embed") or (
                element.name == "link" and not {"canonical", "alternate"} & set(element.get("rel", []))
            )
            if loads and str(element.get("src", element.get("href", ""))).startswith(("http:", "https:", "//")):
                pytest.fail(f"{path}: <{element.name}> loads from another origin: {element}")


def test_the_inquiry_endpoint_widens_form_action_and_connect_src_to_its_origin(relay_site):
    for path in (relay_site / "visit" / "index.html", relay_site / "index.html"):
        directives = policy(meta_policy(path))
        assert directives["form-action"] == ["'self'", "https://forms.example.org:8443"]
        assert directives["connect-src"] == ["'self'", "https://forms.example.org:8443"]
        assert directives["default-src"] == ["'self'"]
    header = headers_for(parse_headers((relay_site / "_headers").read_text(encoding="utf-8")), "/visit/")
    assert policy(header["content-security-policy"])["form-action"] == ["'self'", "https://forms.example.org:8443"]


def test_a_site_path_endpoint_needs_no_other_origin(tmp_path):
    site = build_site(tmp_path / "output", inquiry_endpoint="/inquiry", privacy_policy_url="/privacy/")
    directives = policy(meta_policy(site / "visit" / "index.html"))
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


def test_headers_file_sends_the_same_policy_and_the_security_headers_everywhere(sample_site):
    rules = parse_headers((sample_site / "_headers").read_text(encoding="utf-8"))
    meta = policy(meta_policy(sample_site / "index.html"))
    for url in url_paths(sample_site):
        sent = headers_for(rules, url)
        assert policy(sent["content-security-policy"]) == dict(meta, **{"frame-ancestors": ["'none'"]}), url
        assert sent["x-content-type-options"] == "nosniff"
        assert sent["referrer-policy"] == "strict-origin-when-cross-origin"
        features = dict(item.split("=", 1) for item in sent["permissions-policy"].split(", "))
        assert features["geolocation"] == "(self)"
        assert features["camera"] == "()"


def test_every_file_has_exactly_one_cache_rule_and_every_rule_matches_a_file(sample_site):
    rules = parse_headers((sample_site / "_headers").read_text(encoding="utf-8"))
    cache_rules = [rule for rule in rules if any(name.lower() == "cache-control" for name, _ in rule[1])]
    urls = url_paths(sample_site)
    for url in urls:
        found = [pattern for pattern, _ in matching(cache_rules, url)]
        assert len(found) == 1, f"{url}: Cache-Control from {found}"
    for pattern, _headers in cache_rules:
        assert any(matching([(pattern, [])], url) for url in urls), f"{pattern} matches no file of the output"
    assert len(rules) <= 100, "Cloudflare Pages reads at most 100 rules"
    assert all(len(line) <= 2000 for line in (sample_site / "_headers").read_text(encoding="utf-8").splitlines())


def test_hashed_search_data_and_versioned_assets_are_immutable_and_the_rest_revalidates(sample_site):
    rules = parse_headers((sample_site / "_headers").read_text(encoding="utf-8"))
    config = json.loads(parse(sample_site / "search" / "index.html").find("script", id="search-config").string)
    data = {path: file.relative_to(sample_site).as_posix() for path, file in search_data(sample_site).items()}

    def cache(url: str) -> str:
        return headers_for(rules, url)["cache-control"]

    assert cache(f"/{data['facets.json']}") == IMMUTABLE
    assert cache(f"/{data['text/chars.json']}") == IMMUTABLE
    assert data["facets.json"].split("/")[1] != data["text/chars.json"].split("/")[1]  # two groups' folders
    assert cache(f"/{config['lunr']}") == IMMUTABLE
    for url in ("/", "/index.html", "/search/", "/pref/tokyo/", "/compare/", "/theme/css/site.css", "/theme/js/site.js", "/404.html", "/sitemap.xml"):
        assert cache(url) == REVALIDATE, url
    facility_data = next((sample_site / "facility-data").glob("*.json")).relative_to(sample_site).as_posix()
    assert cache(f"/{facility_data}") == REVALIDATE


def test_cache_rules_cover_a_tree_with_photos_and_a_search_folder_once_each(tmp_path):
    from facility_site.hosting.headers import cache_rules

    paths = ("index.html", "sitemap.xml", "photos/0a1b2c3d-320.webp", "search/index.html", "search/0123456789/facets.json", "pref/tokyo/index.html")
    for path in (*paths, "search/ba98765432/text/chars.json"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x", encoding="utf-8")
    rules = [(pattern, [("Cache-Control", value)]) for pattern, value in cache_rules(tmp_path)]
    assert headers_for(rules, "/photos/0a1b2c3d-320.webp")["cache-control"] == IMMUTABLE
    assert headers_for(rules, "/search/0123456789/facets.json")["cache-control"] == IMMUTABLE
    assert headers_for(rules, "/search/ba98765432/text/chars.json")["cache-control"] == IMMUTABLE
    # The search data groups' folders (search/page.py): one rule for them all, however many there are.
    assert [pattern for pattern, _ in rules if pattern.startswith("/search/")] == ["/search/", "/search/:file", "/search/:folder/*"]
    for url in ("/", "/index.html", "/sitemap.xml", "/search/", "/search/index.html", "/pref/tokyo/"):
        assert headers_for(rules, url)["cache-control"] == REVALIDATE, url


def _rules_file_by_file(files: set[str]) -> list[tuple[str, str]]:
    """cache_rules as it was written before session 12: each file's path walked folder by folder (the reference)."""
    from facility_site.hosting.headers import is_immutable

    folders: dict[str, tuple[set[str], set[str]]] = {"": (set(), set())}
    for relative in files:
        parts = relative.split("/")
        prefix = ""
        for part in parts[:-1]:
            folders.setdefault(prefix, (set(), set()))[1].add(part)
            prefix += part + "/"
        folders.setdefault(prefix, (set(), set()))[0].add(parts[-1])
    immutable = [prefix for prefix in folders if prefix and is_immutable(prefix)]
    rules = []

    def cover(prefix):
        if prefix in immutable:
            rules.append((f"/{prefix}*", IMMUTABLE))
            return
        if prefix and not any(path.startswith(prefix) for path in immutable):
            rules.append((f"/{prefix}*", REVALIDATE))
            return
        names, subfolders = folders[prefix]
        if "index.html" in names:
            rules.append((f"/{prefix}", REVALIDATE))
        if names:
            rules.append((f"/{prefix}:file", REVALIDATE))
        if len(subfolders) > 1 and all(f"{prefix}{name}/" in immutable for name in subfolders):
            rules.append((f"/{prefix}:folder/*", IMMUTABLE))
            return
        for name in sorted(subfolders):
            cover(f"{prefix}{name}/")

    cover("")
    return rules


def test_cache_rules_from_the_folders_alone_are_the_rules_of_walking_every_file():
    """cache_rules_of cuts each path once and looks only into the folders above an immutable one;
    on random trees (hashed search folders, photos, theme/vendor, pages, files at every level) it
    gives the rules, in the order, of the file-by-file walk it replaced."""
    import random

    from facility_site.hosting.headers import cache_rules_of

    pick = random.Random(12)
    pieces = ["index.html", "a.json", "sitemap.xml", "x/index.html", "x/y/z.css"]
    tops = ["search/{h}/", "search/", "search/{h}/text/", "photos/", "theme/vendor/", "theme/css/", "theme/", "pref/tokyo/", "facilities/{h}/", ""]
    for _case in range(300):
        files = set()
        for _file in range(pick.randint(0, 12)):
            top = pick.choice(tops).format(h=f"{pick.randrange(16**10):010x}" if pick.random() < 0.8 else "not-a-hash")
            files.add(top + pick.choice(pieces))
        assert cache_rules_of(files) == _rules_file_by_file(files), sorted(files)


def test_netlify_toml_builds_with_make_publish_into_output():
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "output"
    assert "make publish SITEURL=\"$URL\" PRECOMPRESS=0" in config["build"]["command"]
    assert "make publish SITEURL=\"$DEPLOY_PRIME_URL\" PRECOMPRESS=0" in config["context"]["deploy-preview"]["command"]
    # The headers live in output/_headers only, so the two files cannot disagree.
    assert "headers" not in config


def test_pages_workflow_builds_with_make_publish_and_deploys_output():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in build]
    assert "make setup" in runs
    assert any(run == 'make publish SITEURL="${{ steps.pages.outputs.base_url }}" PRECOMPRESS=0' for run in runs)
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
