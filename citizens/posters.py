"""The A4 posters for 家站点 notice boards: one deputy's, or one 家站点's with each of its
deputies. The QR code is drawn by segno as inline SVG (WeasyPrint fetches nothing) and
carries settings.PUBLIC_BASE_URL + the page's path."""

import segno
from django.utils.safestring import mark_safe

from supervision.documents.pdf import render_pdf

from . import selectors, services


def qr_svg(url: str, scale: int = 10) -> str:
    # Error correction M: a poster behind glass, a little dirt or glare, still reads.
    return mark_safe(segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=4))


def _entry(deputy, scale: int) -> dict:
    page = services.page_for(deputy)
    url = services.public_url(page)
    return {
        "deputy": deputy,
        "url": url,
        "qr": qr_svg(url, scale),
        "places": selectors.reception_places(deputy),
    }


def deputy_poster(deputy) -> bytes:
    return render_pdf("citizens/poster.html", {"entry": _entry(deputy, 10)})


def place_poster(place: str, deputies) -> bytes:
    return render_pdf(
        "citizens/place_poster.html",
        {"place": place, "entries": [_entry(d, 4) for d in deputies]},
    )
