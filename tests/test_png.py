"""lossopt.png: the live figure's PNG encoder gives back every pixel, alpha included."""
import io

import numpy as np
import pytest
from PIL import Image

from lossopt.png import encode_rgba


def test_a_decoder_reads_back_every_pixel_of_an_rgba_buffer():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)  # odd sizes, every channel varying
    image = Image.open(io.BytesIO(encode_rgba(pixels.tobytes(), 5, 7)))
    image.load()
    assert image.mode == "RGBA" and image.size == (5, 7)
    assert np.array_equal(np.asarray(image), pixels)


def test_a_figure_frame_round_trips_and_is_smaller_than_the_raw_pixels():
    from lossopt.interactive import InteractiveFigure, Slider

    def draw(fig, a):
        ax = fig.subplots()
        ax.plot([0, 1], [0, a])
        ax.set_title(f"a = {a}")

    figure = InteractiveFigure(draw, Slider("a", 0.0, 1.0, 0.5, value=0.5))
    png = figure.render()
    canvas = figure._figure.canvas
    decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    assert np.array_equal(decoded, np.asarray(canvas.buffer_rgba()))
    assert len(png) < decoded.nbytes / 5


def test_a_buffer_of_the_wrong_size_is_named():
    with pytest.raises(ValueError, match=r"encode_rgba: 12 bytes is not 2 x 2 RGBA pixels"):
        encode_rgba(bytes(12), 2, 2)
