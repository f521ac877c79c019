"""Photos (issue 18): checked like any field, made into responsive WebP variants, EXIF stripped, cached by content."""

from __future__ import annotations

import re
import struct
import textwrap
import zlib
from pathlib import Path

import pytest
from facility_site.errors import RecordError
from facility_site.photos.check import PhotoError, probe
from facility_site.photos.pages import CACHE_FOLDER, prepare_galleries
from facility_site.photos.process import target_widths
from facility_site.records.reader import load_facilities
from photo_records import BASE, empty_content, make_photo, write_gallery_records
from PIL import Image
from sitebuild import build_site, page

NAME = re.compile(r"^[0-9a-f]{20}-[0-9]+\.webp$")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    folder = write_gallery_records(root / "records")
    cache = root / "cache"
    site = build_site(root / "output", facilities=folder, content=empty_content(root), pelican_settings={"CACHE_PATH": str(cache)})
    return root, folder, cache, site


def gallery_images(site: Path):
    return page(site, "facilities/gallery/").select("[data-gallery] img")


def test_each_photo_gets_webp_variants_at_up_to_three_widths(built):
    _, _, _, site = built
    images = gallery_images(site)
    assert [img["alt"] for img in images] == ["訓練室の様子", "休憩スペース", "面談室の机"]
    widths = [[int(part.split()[1][:-1]) for part in img["srcset"].split(", ")] for img in images]
    assert widths == [[320, 640, 960], [320, 640, 960], [320, 640, 800]]  # never wider than the original (800)
    for img in images:
        assert img["sizes"] == "(min-width: 48rem) 15rem, 46vw"
        for part in img["srcset"].split(", "):
            url, width = part.split()
            path = site / "facilities" / "gallery" / url
            assert NAME.match(path.name) and path.name.endswith(f"-{width[:-1]}.webp")
            with Image.open(path) as variant:
                assert variant.format == "WEBP" and variant.width == int(width[:-1])
        # width/height: the largest variant's, so the browser reserves the right box before loading.
        with Image.open(site / "facilities" / "gallery" / img["srcset"].split(", ")[-1].split()[0]) as largest:
            assert (int(img["width"]), int(img["height"])) == largest.size
    assert (images[0]["width"], images[0]["height"]) == ("960", "640")  # 1600×1067 scaled
    # The first photo loads at once; the others only when scrolled near.
    assert [img.get("loading") for img in images] == [None, "lazy", "lazy"]
    assert page(site, "facilities/plain/").select("[data-gallery]") == []


def test_exif_and_gps_never_reach_the_site(built):
    _, folder, _, site = built
    with Image.open(folder / "photos" / "room.jpg") as original:
        assert original.getexif().get_ifd(0x8825)  # the source carries a GPS position
    files = sorted((site / "photos").iterdir())
    assert len(files) == 9
    for path in files:
        data = path.read_bytes()
        assert b"EXIF" not in data and b"Exif" not in data and b"XMP " not in data and b"SynthCam" not in data
        with Image.open(path) as variant:
            assert not variant.getexif() and "exif" not in variant.info


def test_a_card_shows_the_first_photo_only_within_its_byte_budget(built):
    _, _, _, site = built
    card = page(site, "pref/tokyo/").select_one('.card[data-facility-id="gallery"] [data-card-photo]')
    first = gallery_images(site)[0]
    assert card["alt"] == "訓練室の様子" and card["loading"] == "lazy"
    assert card["src"].rsplit("/", 1)[1] == first["srcset"].split(", ")[0].split()[0].rsplit("/", 1)[1]  # the 320px variant
    assert (site / "photos" / card["src"].rsplit("/", 1)[1]).stat().st_size <= 24 * 1024
    assert page(site, "pref/tokyo/").select('.card[data-facility-id="plain"] [data-card-photo]') == []


def test_a_photo_over_the_card_budget_is_left_off_the_card(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    make_photo(folder / "photos" / "big.jpg", 4000, 2667, seed=7)
    (folder / "big.yaml").write_text(BASE + "photos: [{file: photos/big.jpg, alt: 大きな写真}]\n", encoding="utf-8")
    (facility,) = load_facilities(folder)
    (ready,), _ = prepare_galleries([facility], tmp_path / "cache")
    smallest = ready.gallery[0].smallest.bytes
    assert (ready.card_photo is None) == (smallest > 24 * 1024)
    from facility_site.records import model

    limited = model.CARD_PHOTO_BYTES
    try:
        model.CARD_PHOTO_BYTES = smallest - 1
        assert ready.card_photo is None
        model.CARD_PHOTO_BYTES = smallest
        assert ready.card_photo is ready.gallery[0]
    finally:
        model.CARD_PHOTO_BYTES = limited


def test_unchanged_photos_are_not_encoded_again_and_the_cache_equals_a_clean_build(built, tmp_path):
    root, folder, cache, site = built
    facilities = load_facilities(folder)
    _, again = prepare_galleries(facilities, cache / CACHE_FOLDER)
    assert (again.encoded, again.reused) == (0, 9)
    rebuilt = build_site(tmp_path / "again", facilities=folder, content=empty_content(tmp_path), pelican_settings={"CACHE_PATH": str(cache)})
    clean = build_site(tmp_path / "clean", facilities=folder, content=empty_content(tmp_path), pelican_settings={"CACHE_PATH": str(tmp_path / "fresh")})
    for path in sorted((site / "photos").iterdir()):
        assert (rebuilt / "photos" / path.name).read_bytes() == path.read_bytes() == (clean / "photos" / path.name).read_bytes()
    assert (rebuilt / "facilities/gallery/index.html").read_bytes() == (clean / "facilities/gallery/index.html").read_bytes()
    # A changed photo gets new names; the others are reused.
    make_photo(folder / "photos" / "rest.jpg", 1200, 900, seed=99)
    _, changed = prepare_galleries(load_facilities(folder), cache / CACHE_FOLDER)
    assert (changed.encoded, changed.reused) == (3, 6)


def test_target_widths():
    assert target_widths(4000) == (320, 640, 960)
    assert target_widths(960) == (320, 640, 960)
    assert target_widths(800) == (320, 640, 800)
    assert target_widths(500) == (320, 500)
    assert target_widths(200) == (200,)


# --- bad records and bad files -------------------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width`×`height` pixels in a few dozen bytes (the pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header(100_000, 100_000))  # 10 billion pixels in 80 bytes
    with pytest.raises(PhotoError, match="decompression bomb"):
        probe(bomb)


@pytest.mark.parametrize(
    ("size", "message"),
    [((12_000, 200), "12000×200 pixels is too large"), ((8_000, 6_000), "8000×6000 pixels is too large"), ((40, 40), "too small")],
)
def test_huge_or_tiny_dimensions_are_refused(tmp_path, size, message):
    path = tmp_path / "odd.png"
    path.write_bytes(png_header(*size))
    with pytest.raises(PhotoError, match=message):
        probe(path)


def records_with(tmp_path: Path, photos: str, files: dict[str, bytes] | None = None) -> Path:
    folder = tmp_path / "records"
    (folder / "photos").mkdir(parents=True)
    make_photo(folder / "photos" / "ok.jpg", 400, 300, seed=3)
    for name, data in (files or {}).items():
        (folder / "photos" / name).write_bytes(data)
    (folder / "test.yaml").write_text(BASE + textwrap.dedent(photos), encoding="utf-8")
    return folder


def test_every_photo_problem_is_reported_at_once_with_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = records_with(
        tmp_path,
        """\
        photos:
          - file: photos/ok.jpg
          - file: photos/missing.jpg
            alt: ない写真
          - file: photos/notes.jpg
            alt: 文字だけのファイル
          - file: ../secret.jpg
            alt: 外のファイル
          - file: photos/bomb.png
            alt: 爆弾
          - {file: photos/anim.gif, alt: 動く画像, caption: x}
        """,
        {"notes.jpg": b"not a picture at all\n", "bomb.png": png_header(100_000, 100_000)},
    )
    Image.new("RGB", (100, 100), (10, 20, 30)).save(folder / "photos" / "anim.gif")
    with pytest.raises(RecordError) as caught:
        load_facilities(folder)
    assert [str(p) for p in caught.value.problems] == [
        "records/test.yaml:17: photos[0].alt: alt is missing; describe what the photo shows (訓練室の様子), for people who cannot see it",
        "records/test.yaml:18: photos[1].file: 'photos/missing.jpg': no such file in records",
        "records/test.yaml:20: photos[2].file: 'photos/notes.jpg': not an image Pillow can read; use a JPEG, PNG or WebP photo",
        "records/test.yaml:22: photos[3].file: '../secret.jpg': give a path inside the records folder, such as photos/room.jpg",
        "records/test.yaml:24: photos[4].file: 'photos/bomb.png': "
        "the image declares more than 40,000,000 pixels (a decompression bomb, or far too large); resize it",
        "records/test.yaml:26: photos[5].caption: unknown field; known fields are file, alt",
        "records/test.yaml:26: photos[5].file: 'photos/anim.gif': GIF images are not accepted; use a JPEG, PNG or WebP photo",
    ]


def test_a_failed_photo_build_writes_nothing(tmp_path, monkeypatch):
    folder = records_with(tmp_path, "photos: [{file: photos/ok.jpg}]\n")
    output = tmp_path / "output"
    with pytest.raises(Exception, match="photos\\[0\\].alt"):
        build_site(output, facilities=folder, content=empty_content(tmp_path), pelican_settings={"CACHE_PATH": str(tmp_path / "cache")})
    assert not (output / "photos").exists() and not (output / "facilities").exists()


def test_hostile_alt_text_is_shown_as_text(tmp_path):
    folder = tmp_path / "records"
    make_photo(folder / "photos" / "x.jpg", 400, 300, seed=5)
    hostile = '"><script>window.__pwned=1</script><img src=x onerror=alert(1)>'
    (folder / "x.yaml").write_text(BASE + f"photos: [{{file: photos/x.jpg, alt: '{hostile}'}}]\n", encoding="utf-8")
    site = build_site(tmp_path / "output", facilities=folder, content=empty_content(tmp_path), pelican_settings={"CACHE_PATH": str(tmp_path / "cache")})
    doc = page(site, "facilities/x/")
    (img,) = doc.select("[data-gallery] img")
    assert img["alt"] == hostile
    assert doc.select("[data-gallery] script") == [] and len(doc.select("[data-gallery] img")) == 1


def test_a_photo_is_turned_upright_by_its_exif_orientation_before_the_tag_is_dropped(tmp_path):
    source = tmp_path / "records" / "photos" / "sideways.jpg"
    source.parent.mkdir(parents=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; show rotated 90° clockwise
    Image.new("RGB", (400, 300), (200, 100, 50)).save(source, "JPEG", exif=exif.tobytes())
    (source.parent.parent / "s.yaml").write_text(BASE + "photos: [{file: photos/sideways.jpg, alt: 横向きの写真}]\n", encoding="utf-8")
    (ready,), _ = prepare_galleries(load_facilities(source.parent.parent), tmp_path / "cache")
    ((variant,),) = [photo.variants for photo in ready.gallery]
    assert (variant.width, variant.height) == (300, 400)
    with Image.open(tmp_path / "cache" / variant.name) as made:
        assert made.size == (300, 400) and not made.getexif()


def test_the_synthetic_set_gets_generated_photos_that_pass_the_reader(tmp_path, monkeypatch):
    from photo_records import synth_photos

    folder = tmp_path / "records"
    folder.mkdir()
    for n in range(3):
        (folder / f"s{n}.yaml").write_text(BASE.replace("写真のある事業所", f"見本{n}"), encoding="utf-8")
    assert synth_photos.add_photos(folder, count=2, per=2, seed=1) == 2
    assert synth_photos.add_photos(folder, count=2, per=2, seed=1) == 0  # already there: left alone
    facilities = {f.id: f for f in load_facilities(folder)}
    assert [len(facilities[i].photos) for i in ("s0", "s1", "s2")] == [2, 2, 0]
    assert all(ref.alt.endswith("（生成した見本画像）") for ref in facilities["s0"].photos)
