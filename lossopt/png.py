"""PNG bytes of an RGBA pixel buffer, made for speed: the live figure encodes one on every move.

Pillow's encoder chooses a filter for every row of pixels, which takes most of its time (about
4 of 6 ms for a 720 x 320 frame); a figure's flat colours compress as well without one. So the
rows go to zlib unfiltered (filter type 0), at its fastest level, in the three chunks a PNG needs
(IHDR, IDAT, IEND); any PNG decoder reads them.
"""
import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_rgba(pixels, width, height):
    """PNG bytes of ``pixels``: ``height`` rows of ``width`` RGBA pixels, 8 bits each (a buffer of
    ``4 * width * height`` bytes, e.g. an Agg canvas's ``buffer_rgba()``)."""
    data = np.frombuffer(pixels, dtype=np.uint8)
    if data.size != 4 * width * height:
        raise ValueError(f"encode_rgba: {data.size} bytes is not {width} x {height} RGBA pixels")
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # a leading 0 per row: no filter
    rows[:, 1:] = data.reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return (_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + _chunk(b"IEND", b""))
