"""Live slider figures in a Jupyter kernel: frames chosen in the browser, drawn ahead elsewhere.

A slider can only stop on its grid, so a live figure has at most ``frame_count`` distinct images.
The view gives each grid point its own ``ipywidgets.Image`` inside nested ``ipywidgets.Stack``
widgets, one level per slider, and links each slider to its level in the browser
(``ipywidgets.jslink``). A move therefore shows its frame without a message to the kernel and
back: the browser swaps which image is on screen. The kernel still hears of the move, and draws
the frame then if it has not been drawn.

Frames not yet asked for are drawn ahead by :class:`LiveFrames` in a separate process, forked
from the kernel once a reader moves a slider: it has its own interpreter, so its drawing never
holds the kernel's GIL while a move is answered, and it draws the frames nearest the sliders'
latest position first (the kernel tells it each position). Its PNGs come back over a pipe and
fill their images; a frame the kernel drew on demand meanwhile is not sent again.
"""
from __future__ import annotations

import base64
import itertools
import multiprocessing
import os
import sys
import threading
import warnings

# A transparent 1x1 PNG: what an image not drawn yet holds (the figure's box keeps its size).
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def _distance(a, b):
    return sum(abs(x - y) for x, y in zip(a, b))


class LiveFrames:
    """The PNG of every grid point of one figure, and the image widget that shows it.

    :meth:`get` draws a frame in the kernel when it is wanted and not drawn; :meth:`start`
    forks the process that draws the others, nearest the latest position first
    (:meth:`moved` tells it the position). ``frames`` maps a grid point (one index per slider)
    to its PNG bytes; ``images`` to its widget, once the view has made them.
    """

    def __init__(self, figure):
        self.figure = figure
        self.frames = {}
        self.images = {}
        self.lock = threading.Lock()
        self.thread = None  # receives what the drawing process sends
        self.process = None
        self._positions = None

    def key(self, values):
        return tuple(s.index(values[s.name]) for s in self.figure.sliders)

    def values(self, key):
        return {s.name: s.values[k] for s, k in zip(self.figure.sliders, key)}

    def get(self, values):
        """PNG bytes of the figure at ``values``, drawn now (and shown in its image) if new."""
        key = self.key(values)
        with self.lock:
            png = self.frames.get(key)
        if png is None:
            png = self.figure._png(self.values(key))
            self._store(key, png)
        return png

    def _store(self, key, png):
        with self.lock:
            if key in self.frames:
                return
            self.frames[key] = png
        image = self.images.get(key)
        if image is not None:
            image.value = png

    def moved(self, key):
        """Tell the drawing process the sliders are at ``key`` (drawn: it skips it)."""
        if self._positions is not None:
            try:
                self._positions.send(key)
            except (OSError, ValueError):  # the process has finished: nothing left to draw
                self._positions = None

    def start(self):
        """Fork the drawing process (once); grids over ``MAX_FRAMES`` are drawn on demand only."""
        from lossopt.interactive import MAX_FRAMES

        if self.thread is not None or self.figure.frame_count > MAX_FRAMES:
            return
        context = multiprocessing.get_context("fork")  # the draw function lives in the kernel
        frames_in, frames_out = context.Pipe(duplex=False)
        positions_in, positions_out = context.Pipe(duplex=False)
        with self.lock:
            done = set(self.frames)
        self.process = context.Process(target=_draw_ahead, daemon=True, name="lossopt-frames",
                                       args=(self.figure, done, frames_out, positions_in))
        self.process.start()
        frames_out.close()
        positions_in.close()
        self._positions = positions_out
        self.thread = threading.Thread(target=self._receive, args=(frames_in,), daemon=True,
                                       name="lossopt-frames-receiver")
        self.thread.start()

    def _receive(self, connection):
        try:
            while True:
                key, png = connection.recv()
                self._store(key, png)
        except (EOFError, OSError):
            pass
        finally:
            connection.close()
            self.process.join(timeout=5)

    def wait(self, timeout=None):
        """Block until every frame has arrived (or ``timeout`` seconds); True when done."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.thread is None or not self.thread.is_alive()


def _draw_ahead(figure, done, frames_out, positions_in):
    """In the forked process: draw every grid point not in ``done``, nearest the latest
    position first, and send ``(key, png)`` for each."""
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull  # the kernel's streams are not this process's to write
    warnings.simplefilter("ignore")
    shape = [len(s.values) for s in figure.sliders]
    todo = set(itertools.product(*(range(n) for n in shape))) - set(done)
    at = tuple(s.index(s.value) for s in figure.sliders)
    try:
        while todo:
            while positions_in.poll():
                at = positions_in.recv()
                todo.discard(at)  # the kernel draws where the sliders are
            if not todo:
                break
            key = min(todo, key=lambda k: (_distance(k, at), k))
            todo.discard(key)
            values = {s.name: s.values[k] for s, k in zip(figure.sliders, key)}
            frames_out.send((key, figure._png(values)))
    except (EOFError, OSError):
        pass  # the kernel went away or closed the figure
    finally:
        frames_out.close()
        os._exit(0)


def live_view(figure, cache=True, prefetch=None, in_kernel=False):
    """The ipywidgets box of ``figure``: one slider per :class:`~lossopt.interactive.Slider`
    above the frames (see the module docstring).

    ``cache=False`` draws again on every move (a benchmark's cold figure). ``prefetch=True``
    starts drawing ahead now; the default starts at the first move in a kernel
    (``in_kernel``), so a notebook run headless draws nothing it does not show.
    """
    import ipywidgets as widgets

    sliders = figure.sliders
    start = tuple(s.index(s.value) for s in sliders)
    controls = [widgets.SelectionSlider(
        options=[(s.format(v), v) for v in s.values], value=s.values[s.index(s.value)],
        description=s.text, continuous_update=True, style={"description_width": "initial"},
        layout=widgets.Layout(width="min(100%, 32rem)")) for s in sliders]
    dpi = figure.dpi or _live_dpi()
    width, height = (round(side * dpi) for side in figure.figsize)
    # one size for every frame, kept while an image waits for its PNG: nothing on the page moves
    size = widgets.Layout(width=f"{width}px", height=f"{height}px", max_width="100%",
                          object_fit="contain")
    frames = LiveFrames(figure)
    links = []

    def level(depth, prefix):
        if depth == len(sliders):
            image = frames.images[prefix] = widgets.Image(value=BLANK_PNG, format="png", layout=size)
            return image
        stack = widgets.Stack([level(depth + 1, prefix + (k,)) for k in range(len(sliders[depth].values))],
                              selected_index=start[depth])
        links.append(widgets.jslink((controls[depth], "index"), (stack, "selected_index")))
        return stack

    shown = level(0, ())
    frames.get(figure.initial)
    on_first_move = cache and prefetch is None and in_kernel

    def moved(_change):
        values = {s.name: c.value for s, c in zip(sliders, controls)}
        key = frames.key(values)
        if cache:
            frames.get(values)
            frames.moved(key)
        else:
            frames.images[key].value = figure._png(values)
        if on_first_move:
            frames.start()  # once; later calls return at once

    for control in controls:
        control.observe(moved, names="index")
    box = widgets.VBox([*controls, shown])
    box.controls, box.frames, box.links = controls, frames, links
    box.shown_image = lambda: frames.images[tuple(c.index for c in controls)]
    if cache and prefetch:
        frames.start()
    return box


def _live_dpi():
    from lossopt.interactive import LIVE_DPI

    return LIVE_DPI
