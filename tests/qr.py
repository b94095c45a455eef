"""Read a QR code the way a phone would: rasterise the page's SVG and decode it with zxing-cpp,
an independent decoder (not segno, which drew it)."""

import re

import zxingcpp


def decode_qr_svg(svg: str) -> str:
    """The text carried by the QR code in a segno-style SVG (one path of M/m moves and h runs
    of dark modules, drawn under transform="scale(n)")."""
    width = int(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    px = 4  # pixels per module
    dim = width // scale * px
    image = bytearray(b"\xff") * (dim * dim)
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([-\d.\s]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = x + numbers[0] if command == "h" else numbers[0]
            for column in range(int(x), int(end)):
                for row in range(int(y) * px, int(y) * px + px):
                    start = row * dim + column * px
                    image[start : start + px] = b"\x00" * px
            x = end
    barcode = zxingcpp.read_barcode(memoryview(image).cast("B", (dim, dim)))
    assert barcode is not None, "no QR code could be read from the SVG"
    return barcode.text
