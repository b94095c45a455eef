"""The A4 posters: printed by WeasyPrint, read back as a phone would — poppler rasterises the
page, zxing-cpp (not segno, which drew it) decodes the QR code — and the address it carries
opens the deputy's page."""

import subprocess
from urllib.parse import urlparse

import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.office, pytest.mark.django_db]


def pdf_info(content: bytes, tmp_path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def decode_qrs(content: bytes, tmp_path) -> list[str]:
    """Every QR code on the first page: rasterised at 150 dpi in grey (PGM), then zxing-cpp."""
    path = tmp_path / "poster.pdf"
    path.write_bytes(content)
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", "150", "-f", "1", "-l", "1", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    # P5 header: magic, width, height, maxval, each separated by whitespace.
    fields, rest = pgm.split(maxsplit=4)[:4], pgm.split(maxsplit=4)[4]
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    image = memoryview(rest[: width * height]).cast("B", (height, width))
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_the_deputy_poster_is_a4_and_its_qr_opens_the_page(cz, client_for, tmp_path, settings):
    settings.PUBLIC_BASE_URL = "https://rd.jiading.example"
    response = client_for(cz.user_a).get(reverse("citizens:poster", args=[cz.a.pk]))
    assert response["Content-Type"] == "application/pdf"
    info = pdf_info(response.content, tmp_path)
    assert "595.276 x 841.89 pts (A4)" in info
    assert "Pages:           1" in info
    (url,) = decode_qrs(response.content, tmp_path)
    assert url == "https://rd.jiading.example" + reverse("citizens:page", args=[cz.page_a.token])
    page = Client().get(urlparse(url).path)
    assert page.status_code == 200
    assert "王建国" in page.content.decode()


def test_the_place_poster_lists_the_deputies_receiving_there(cz, client_for, tmp_path, settings):
    response = client_for(cz.town).get(
        reverse("citizens:place_poster"), {"place": "安亭镇代表之家"}
    )
    assert response.status_code == 200
    urls = decode_qrs(response.content, tmp_path)
    assert urls == [settings.PUBLIC_BASE_URL + reverse("citizens:page", args=[cz.page_a.token])]


def test_posters_of_deputies_out_of_scope_are_404(cz, client_for):
    assert client_for(cz.user_b).get(reverse("citizens:poster", args=[cz.a.pk])).status_code == 404
    assert client_for(cz.other_town).get(
        reverse("citizens:place_poster"), {"place": "安亭镇代表之家"}
    ).status_code == 404  # fmt: skip
