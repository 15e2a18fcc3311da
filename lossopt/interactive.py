"""Slider figures that work in a live notebook and in the published HTML book, from one description.

A chapter describes a figure once, as a function that draws into a cleared matplotlib
:class:`~matplotlib.figure.Figure` given the slider values as keyword arguments::

    from lossopt.interactive import Slider, interactive_figure

    def draw(fig, delta, outlier):
        ax = fig.subplots()
        ...

    interactive_figure(draw, Slider("delta", 0.1, 3.0, 0.1, value=1.0, label="Huber δ"),
                       Slider("outlier", 0.0, 20.0, 4.0, value=12.0), figsize=(7, 4))

A live figure answers a move several times faster when what no slider changes is drawn apart,
once, by a ``background`` function whose result ``draw`` receives in place of the figure::

    def background(fig):
        ax = fig.subplots()
        ax.set_xlim(-3, 3)  # limits, scales, labels, grids, static curves: all here
        ...
        return ax

    def draw(ax, delta, outlier):
        ...  # only adds this position's artists (and may set the title)

    interactive_figure(draw, ..., background=background)

How the figure is shown depends on where the code runs:

``live`` (a Jupyter kernel, the default)
    a widget (:class:`lossopt.live.SliderFigure`, built on anywidget) with the same plain range
    sliders as the static form, over the figure's frames as PNG images, one per grid point,
    drawn by the same ``Figure``: with a ``background`` function (what no slider changes), that
    part is rendered once and each frame draws only its own artists into it
    (:mod:`lossopt.blitting`), otherwise the figure is cleared and redrawn; the browser keeps every frame it has been
    sent and shows the one of the sliders' values without asking the kernel, and the frames are
    drawn ahead in another process (:mod:`lossopt.live`). Works in any front end that shows
    ipywidgets (JupyterLab, Notebook 7, VS Code); no ipympl; anywidget's front-end extension
    comes with its wheel.
``static`` (the book build)
    every point of the slider grid (the cartesian product for several sliders) is drawn once at
    build time as SVG (:mod:`lossopt.svgframes`): what does not change with the sliders (axes,
    contours, ticks, legends) is stored once, each frame only what changes. The output is
    self-contained HTML: plain ``<input type="range">`` sliders, the figure as inline SVG at the
    text column's width (sharp at any pixel density) and an inline script of a few lines that
    swaps the frames. No ipywidgets, no require.js, nothing loaded from another host.

The mode comes from the environment variable ``LOSSOPT_FIGURES`` (``live`` or ``static``;
unset means ``live``). The book build sets it to ``static`` in two independent ways, so that
``make book`` and a bare ``jupyter-book build .`` behave the same: ``_config.yml`` loads this
module as a Sphinx extension, whose :func:`setup` sets the variable in the build process before
any notebook runs (the kernels that execute the chapters inherit it), and the Makefile sets it
on the build command too. :func:`setup` overrides a ``live`` left in the shell: a live figure in
the HTML book would be a dead slider.

Budget: a page must stay under 2 MB with the theme and MathJax (~1.1 MB together), so one static
figure holds at most :data:`MAX_FRAMES` frames and its parts weigh at most
:data:`MAX_STATIC_BYTES`; past either, :class:`ValueError` says which sliders to coarsen.
"""
from __future__ import annotations

import base64
import html
import inspect
import itertools
import json
import math
import os
import zlib
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lossopt.png import encode_rgba
from lossopt.svgframes import SVG_ROOT_STYLE, FrameSet

MODE_VARIABLE = "LOSSOPT_FIGURES"
MODES = ("live", "static")

#: Most frames one static figure may hold (the product of its sliders' grid sizes).
MAX_FRAMES = 250
#: Most bytes the SVG parts of one static figure may weigh; a page must stay under 2 MB
#: together with the theme, MathJax and its other figures.
MAX_STATIC_BYTES = 400_000
#: Resolution of the live figure: Agg's drawing time grows with the pixel count, and every
#: slider move pays it. Static figures are vector, laid out at this resolution too.
LIVE_DPI = 80


def figure_mode():
    """Return ``"live"`` or ``"static"``: how :func:`interactive_figure` shows figures here."""
    mode = os.environ.get(MODE_VARIABLE, "live").strip().lower() or "live"
    if mode not in MODES:
        raise ValueError(f"environment variable {MODE_VARIABLE}={mode!r}: expected one of {MODES}")
    return mode


def _is_int(number):
    return isinstance(number, (int, np.integer)) and not isinstance(number, bool)


def _decimals(step):
    """Digits after the point needed to print every multiple of ``step`` exactly."""
    text = np.format_float_positional(float(step), trim="-")
    return len(text.split(".")[1]) if "." in text else 0


@dataclass(frozen=True)
class Slider:
    """One slider: a parameter of ``draw`` swept over ``min, min + step, ..., max``.

    ``value`` (default ``min``) is where the slider starts and must lie on that grid; ``label`` is
    shown next to the slider (default: ``name``). When ``min``, ``max``, ``step`` (and ``value``)
    are all integers the slider passes integers to ``draw``.
    """

    name: str
    min: float
    max: float
    step: float
    value: float | None = None
    label: str | None = None
    values: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        where = f"Slider {self.name!r}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Slider name must be a Python identifier, got {self.name!r}")
        for attr in ("min", "max", "step") + (("value",) if self.value is not None else ()):
            number = getattr(self, attr)
            if not isinstance(number, Real) or isinstance(number, bool) or not math.isfinite(number):
                raise ValueError(f"{where}: {attr} must be a finite number, got {number!r}")
        if not self.step > 0:
            raise ValueError(f"{where}: step must be positive, got {self.step}")
        if not self.max > self.min:
            raise ValueError(f"{where}: max ({self.max}) must be greater than min ({self.min})")
        intervals = (self.max - self.min) / self.step
        count = round(intervals)
        if abs(intervals - count) > 1e-6:
            raise ValueError(f"{where}: max - min = {self.max - self.min:g} is not a whole number of "
                             f"steps of {self.step:g}; choose max = min + k * step")
        integer = all(_is_int(getattr(self, a)) for a in ("min", "max", "step")) and (
            self.value is None or _is_int(self.value))
        if integer:
            grid = tuple(int(self.min + k * self.step) for k in range(count + 1))
        else:
            digits = _decimals(self.step) + _decimals(self.min) + 1
            grid = tuple(round(float(self.min) + k * float(self.step), digits) for k in range(count + 1))
        object.__setattr__(self, "values", grid)
        if self.value is None:
            object.__setattr__(self, "value", grid[0])
        else:
            object.__setattr__(self, "value", grid[self.index(self.value)])

    @property
    def is_integer(self):
        return _is_int(self.values[0])

    @property
    def text(self):
        return self.label if self.label is not None else self.name

    def index(self, value):
        """Position of ``value`` on the grid; ValueError when it is not a grid point."""
        k = round((value - self.min) / self.step)
        if not 0 <= k < len(self.values) or abs(self.values[k] - value) > 1e-9 * max(1.0, abs(self.step)):
            raise ValueError(f"Slider {self.name!r}: value {value!r} is not on its grid "
                             f"{self.min:g}, {self.min + self.step:g}, ..., {self.max:g} (step {self.step:g})")
        return k

    def format(self, value):
        """The slider's read-out for ``value``, the same in the notebook and in the book."""
        return str(value) if self.is_integer else f"{value:.{self.decimals}f}"

    @property
    def decimals(self):
        """Digits the read-out shows: those of the step, at least one for a float slider."""
        return 0 if self.is_integer else max(1, _decimals(self.step))


class InteractiveFigure:
    """A validated figure description; :func:`interactive_figure` builds and shows one.

    ``render(**values)`` draws one state into the figure's single ``Figure`` and returns PNG
    bytes; ``widget()`` gives the live widget; ``static_html()`` the HTML scrubber.
    """

    def __init__(self, draw, *sliders, figsize=(6.4, 4.0), dpi=None, background=None):
        if not callable(draw):
            raise ValueError(f"interactive_figure: draw must be a function, got {draw!r}")
        if background is not None and not callable(background):
            raise ValueError(f"interactive_figure: background must be a function, got {background!r}")
        if not sliders:
            raise ValueError("interactive_figure: give at least one Slider")
        for slider in sliders:
            if not isinstance(slider, Slider):
                raise ValueError(f"interactive_figure: expected Slider objects, got {slider!r}")
        names = [s.name for s in sliders]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"interactive_figure: slider names must be unique, repeated: {repeated}")
        _check_signature(draw, names)
        if background is not None:
            _check_signature(background, [])
        if (len(figsize) != 2 or not all(isinstance(v, Real) and v > 0 for v in figsize)):
            raise ValueError(f"interactive_figure: figsize must be (width, height) in inches, got {figsize!r}")
        self.draw = draw
        self.background = background
        self.sliders = tuple(sliders)
        self.figsize = tuple(figsize)
        self.dpi = dpi
        self._figure = None
        self._drawer = None  # lossopt.blitting.FrameDrawer of the live frames, if a background
        self._in_part = background is not None  # False for good once a position changes it

    @property
    def frame_count(self):
        return math.prod(len(s.values) for s in self.sliders)

    @property
    def initial(self):
        return {s.name: s.value for s in self.sliders}

    def _prepare(self, dpi, values):
        """Draw ``values`` into the one Figure this description owns (artists only, not rendered).

        The first draw lays the figure out with matplotlib's constrained layout; later draws
        reuse those axes positions instead of solving the layout again, which would cost more
        than drawing (and would make the axes jump while a slider moves). Live and static
        figures are laid out at the live resolution, so both show the same positions.
        """
        if self._figure is None or self._figure.dpi != dpi:
            self._figure = Figure(figsize=self.figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(self._figure)
            self._positions = None
        fig = self._figure
        self._drawer = None  # the figure is drawn whole here; a drawer's background is gone
        fig.clear()
        target = self._call(self.background, None, fig) if self.background else fig
        self._call(self.draw, values, target)
        if self._positions is None:
            self._render(fig.canvas.draw, values)
            self._positions = [ax.get_position() for ax in fig.axes]
            fig.set_layout_engine(None)  # "none" would still run a layout pass in savefig
        else:
            self._place_axes()
        return fig

    def _place_axes(self):
        """Put the axes where the first draw's layout put them (when there are as many)."""
        if len(self._figure.axes) == len(self._positions):
            for ax, position in zip(self._figure.axes, self._positions):
                ax.set_position(position)

    def _background_only(self):
        """Clear the laid-out figure and draw its background alone; returns what draw takes."""
        self._figure.clear()
        target = self._call(self.background, None, self._figure)
        self._place_axes()
        return target

    def _call(self, function, values, *args):
        """``function(*args, **values)``, with an error that names it and the slider state."""
        try:
            return function(*args, **(values or {}))
        except Exception as error:
            at = f" at {_state(values)}" if values is not None else ""
            raise RuntimeError(f"{_describe(function)} failed{at}: {error}") from error

    def _render(self, encode, values, kind="image"):
        """``encode()``, with an error that names the figure and the state it could not encode."""
        try:
            return encode()
        except Exception as error:
            raise RuntimeError(f"{_describe(self.draw)}: the {kind} at {_state(values)} cannot be "
                               f"encoded: {type(error).__name__}: {error}") from error

    def _draw(self, dpi, values):
        """Draw ``values`` and render them with Agg; returns the Figure, its canvas holding them.

        With a ``background``, the first frame lays the figure out and later ones are drawn
        into the rendered background (:mod:`lossopt.blitting`): the same pixels, a fraction of
        the time.
        """
        if self._in_part:
            if self._drawer is None or self._figure.dpi != dpi:
                from lossopt.blitting import FrameDrawer

                self._prepare(dpi, self.initial)  # lays the figure out at its start state
                self._drawer = FrameDrawer(self._figure, self._background_only,
                                           lambda target, **point: self._call(self.draw, point, target))
            if self._drawer.draw(values):
                return self._figure
            self._in_part = False  # this position changed the background: whole from now on
        fig = self._prepare(dpi, values)
        self._render(fig.canvas.draw, values)
        return fig

    def _png(self, values):
        canvas = self._draw(self.dpi or LIVE_DPI, values).canvas
        return encode_rgba(canvas.buffer_rgba(), *canvas.get_width_height())

    def render(self, **values):
        """PNG bytes of the figure at ``values`` (missing sliders take their start value)."""
        unknown = set(values) - set(self.initial)
        if unknown:
            raise ValueError(f"render: no slider named {sorted(unknown)}; sliders: {sorted(self.initial)}")
        state = {**self.initial, **values}
        for slider in self.sliders:
            slider.index(state[slider.name])
        return self._png(state)

    # -- live: a widget ----------------------------------------------------------------------------
    def widget(self, cache=True, prefetch=None):
        """The live widget (:class:`lossopt.live.SliderFigure`): the sliders above the figure at
        their values.

        The browser keeps each frame it is sent and shows the one a slider moves to; the
        frames not drawn yet are drawn ahead in another process once a reader has moved a
        slider (:mod:`lossopt.live`). ``cache=False`` redraws on every move (what the
        benchmark's cold figure measures). ``prefetch=True`` starts drawing ahead now; the
        default starts it in a Jupyter kernel once the frame of a reader's first move is on
        screen, so a notebook run headless spends nothing on it.
        """
        from lossopt.live import live_view

        return live_view(self, cache=cache, prefetch=prefetch, in_kernel=_in_kernel())

    # -- static: precomputed frames and a scrubber --------------------------------------------
    def _check_grid(self):
        if self.frame_count > MAX_FRAMES:
            sizes = " x ".join(f"{len(s.values)} ({s.name})" for s in self.sliders)
            raise ValueError(f"interactive_figure({_describe(self.draw)}): {sizes} = {self.frame_count} "
                             f"frames, more than the {MAX_FRAMES} a page can carry; use coarser steps "
                             f"or narrower ranges")

    def frames(self, prefix="lossopt-"):
        """Every frame of the slider grid as SVG parts: ``(FrameSet, frame number per grid point)``.

        Grid points are in row-major order of the sliders; equal frames share one number.
        """
        self._check_grid()
        dpi = self.dpi or LIVE_DPI
        self._prepare(dpi, self.initial)  # the start state fixes the layout, as it does live
        frames = FrameSet(prefix)
        names = [s.name for s in self.sliders]
        index = []
        for point in itertools.product(*(s.values for s in self.sliders)):
            values = dict(zip(names, point))
            figure = self._prepare(dpi, values)
            index.append(self._render(lambda: frames.add(figure), values, kind="SVG frame"))
        return frames, index

    def static_html(self):
        """Self-contained HTML: the sliders, the start frame as inline SVG, the frames' parts, a script."""
        number = next(_FIGURE_NUMBERS)
        prefix = f"lo{number}-"
        frames, index = self.frames(prefix)
        start = [s.index(s.value) for s in self.sliders]
        shape = [len(s.values) for s in self.sliders]
        data = {"shape": shape, "index": index, "frames": frames.frame_parts(), "parts": frames.part_list(),
                "definitions": frames.definitions_markup(),
                "labels": [[s.format(v) for v in s.values] for s in self.sliders]}
        # SVG parts repeat their vocabulary (path commands, glyph references) so much that deflate
        # keeps about a sixth of them: the page carries that and the browser inflates it
        # (DecompressionStream), whether or not a web server compresses the page. The start frame
        # is drawn from it too: as plain markup it would weigh as much as all the other frames.
        packed = base64.b64encode(zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9))
        payload = packed.decode("ascii")
        if len(payload) > MAX_STATIC_BYTES:
            raise ValueError(f"interactive_figure({_describe(self.draw)}): its {len(index)} frames weigh "
                             f"{len(payload) / 1e6:.2f} MB, more than the {MAX_STATIC_BYTES / 1e6:.2f} MB "
                             f"budget of one figure; use coarser steps, fewer sliders or a smaller figsize")
        # one grid for all sliders: the tracks line up whatever the labels' lengths
        controls = ('<div class="lossopt-controls" style="display:grid;grid-template-columns:max-content '
                    'minmax(6rem,24rem) max-content;align-items:center;column-gap:.6em;row-gap:.2em;'
                    'margin:.2em 0">')
        for k, (s, at) in enumerate(zip(self.sliders, start)):
            name = f"{prefix}{s.name}"
            controls += (
                f'<div class="lossopt-control" style="display:contents">'
                f'<label for="{name}" style="grid-column:1">{html.escape(s.text)}</label>'
                f'<input class="lossopt-slider" id="{name}" type="range" min="0" max="{len(s.values) - 1}" '
                f'step="1" value="{at}" style="grid-column:2;width:100%">'
                f'<output class="lossopt-value" for="{name}" style="grid-column:3;min-width:4em;'
                f'font-variant-numeric:tabular-nums">{html.escape(s.format(s.value))}</output></div>')
        controls += "</div>"
        alt = "Figure with sliders: " + ", ".join(s.text for s in self.sliders)
        root_style = "".join(f' {key}="{value}"' for key, value in SVG_ROOT_STYLE.items())
        return (f'<div class="lossopt-interactive" data-frames="{len(index)}">'
                f'{controls}'
                f'<svg class="lossopt-frame" viewBox="{frames.view_box}" role="img" '
                f'aria-label="{html.escape(alt, quote=True)}"{root_style} '
                f'style="display:block;width:100%;height:auto">'
                f'<defs></defs><g class="lossopt-frame-parts"></g></svg>'
                f'<script type="application/octet-stream" class="lossopt-frames">{payload}</script>'
                f'<script>{_SCRUBBER}</script></div>')

    def _ipython_display_(self):
        from IPython.display import HTML, display

        if figure_mode() == "static":
            display(HTML(self.static_html()))
        else:
            display(self.widget())


# Numbers the static figures of one kernel (one chapter page), so their SVG ids never collide.
_FIGURE_NUMBERS = itertools.count(1)

# Finds its own figure through document.currentScript, so a page can hold many figures and the
# output needs no id. The frames arrive deflated (see static_html); once inflated, the figure
# shows the frame of the sliders' values. A frame is the list of its parts' numbers: joining their markup
# gives the figure's SVG.
_SCRUBBER = (
    "(function(){var root=document.currentScript.parentNode,data=null;"
    "var body=root.querySelector('g.lossopt-frame-parts');"
    "var inputs=root.querySelectorAll('input.lossopt-slider');"
    "var outputs=root.querySelectorAll('output.lossopt-value');"
    "function show(){if(!data){return;}var at=0;for(var i=0;i<inputs.length;i++){var k=+inputs[i].value;"
    "at=at*data.shape[i]+k;outputs[i].textContent=data.labels[i][k];}"
    "var parts=data.frames[data.index[at]],markup='';"
    "for(var j=0;j<parts.length;j++){markup+=data.parts[parts[j]];}"
    "body.innerHTML=markup;}"
    "var bytes=Uint8Array.from(atob(root.querySelector('script.lossopt-frames').textContent),"
    "function(c){return c.charCodeAt(0);});"
    "new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).text()"
    ".then(function(text){data=JSON.parse(text);root.querySelector('svg.lossopt-frame defs').innerHTML="
    "data.definitions;show();root.setAttribute('data-ready','');});"
    "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',show);}})();"
)


def _flat_index(indices, shape):
    at = 0
    for k, n in zip(indices, shape):
        at = at * n + k
    return at


def _state(values):
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def _describe(draw):
    return getattr(draw, "__name__", repr(draw))


def _check_signature(draw, names):
    """draw must take the figure first, then one keyword per slider and nothing else required."""
    try:
        parameters = list(inspect.signature(draw).parameters.values())
    except (TypeError, ValueError):
        return
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if not parameters or parameters[0].kind not in positional + (inspect.Parameter.VAR_POSITIONAL,):
        raise ValueError(f"{_describe(draw)} must take the figure as its first parameter: draw(fig, ...)")
    rest = parameters[1:] if parameters[0].kind != inspect.Parameter.VAR_POSITIONAL else parameters
    takes_any = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in rest)
    keywords = {p.name for p in rest if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                    inspect.Parameter.KEYWORD_ONLY)}
    signature = f"{_describe(draw)}{inspect.signature(draw)}"
    unknown = [n for n in names if n not in keywords]
    if unknown and not takes_any:
        raise ValueError(f"slider(s) {unknown} match no parameter of {signature}")
    missing = [p.name for p in rest if p.name in keywords and p.name not in names
               and p.default is inspect.Parameter.empty]
    if missing:
        raise ValueError(f"{signature}: parameter(s) {missing} have no slider and no default")


def interactive_figure(draw, *sliders, figsize=(6.4, 4.0), dpi=None, background=None):
    """Show ``draw``'s figure with one slider per :class:`Slider`, live or precomputed.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws into a cleared :class:`matplotlib.figure.Figure`; it is
        called with one keyword argument per slider (and with what ``background`` returns in
        place of ``fig``, if there is one).
    *sliders : Slider
        The parameters to sweep; in the book every combination is precomputed, at most
        :data:`MAX_FRAMES` frames.
    figsize : (float, float)
        Figure size in inches.
    dpi : float, optional
        Resolution of the live figure (default :data:`LIVE_DPI`); the book's figures are vector.
    background : callable, optional
        ``background(fig)`` draws what no slider changes (the axes, their limits, scales and
        labels, contours, grids) and returns what ``draw`` then receives in place of the figure
        (the axes, say): ``draw(axes, **values)`` only adds the artists of one slider position.
        A live figure then renders its background once and draws each new position into it
        (:mod:`lossopt.blitting`), several times faster; the frames are the same.

    Returns None (so a bare call at the end of a cell shows the figure once). Raises ValueError
    for a description that cannot work: a slider that matches no parameter of ``draw``, a start
    value off its grid, more frames than a page can carry.
    """
    from IPython.display import display

    from IPython.display import HTML

    figure = InteractiveFigure(draw, *sliders, figsize=figsize, dpi=dpi, background=background)
    # Built here, not in _ipython_display_: IPython shows an error raised while it formats an
    # object as output and goes on, so a figure that cannot be drawn would not fail the build.
    if figure_mode() == "static":
        display(HTML(figure.static_html()))
    else:
        display(figure.widget())


def _in_kernel():
    """True inside a Jupyter kernel (where a person moves the sliders)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def setup(app):
    """Sphinx extension hook: during a book build every interactive figure is static."""
    os.environ[MODE_VARIABLE] = "static"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
