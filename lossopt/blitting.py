"""Live frames redrawn in part: what no slider changes is rendered once, each move draws the rest.

A figure that gives :func:`lossopt.interactive.interactive_figure` a ``background`` function
draws in two steps: ``background(fig)`` draws what is the same at every slider position (the
axes, their limits and labels, contours, grids) and returns what ``draw`` needs to find them;
``draw(that, **values)`` adds the artists of one slider position. Drawing a whole figure again
costs a reader a sixth of a second on a busy machine, most of it creating and rendering the
axes; drawing one position into a kept background costs a few milliseconds. This is
matplotlib's *blitting* (``canvas.copy_from_bbox`` / ``restore_region``), as in its
animation guide.

The frame must be the image a whole redraw would give, pixel for pixel, so:

* The kept background holds only the artists an Axes draws before the lowest ``zorder`` a
  position adds there; the background's artists at or above it (spines, titles, legends,
  markers on top) are drawn again with the position's own, in the order ``Axes.draw`` uses.
* A position that changes anything the background holds (its limits or scales, an artist
  it drew: matplotlib marks a changed artist *stale*), or that adds axes, cannot be drawn
  this way: :meth:`FrameDrawer.draw` says so, and the figure is redrawn whole from then on
  (:class:`lossopt.interactive.InteractiveFigure`), still correct, only slower.

Titles are the one exception: a position may set them, and they are reset between positions, as
is the place in the colour cycle.
"""
import contextlib
import copy
from operator import attrgetter

# Where an Axes keeps its place in the colour cycle (lines; patches, bars and scatters): a whole
# redraw starts each position at the background's place, so each position here does too.
_CYCLES = ("_get_lines", "_get_patches_for_fill")


class FrameDrawer:
    """Draws positions of one figure into ``fig``: the background once, each position in part.

    ``fig`` is a Figure with an Agg canvas and no layout engine; ``set_up()`` clears it, draws
    the background with its axes where they stay, and returns what ``draw(that, **values)``
    takes. :meth:`draw` leaves the frame of ``values`` in ``fig.canvas``' buffer.
    """

    def __init__(self, fig, set_up, draw):
        self.fig = fig
        self.draw_position = draw
        self.handle = set_up()
        self.axes = list(fig.axes)
        fig.canvas.draw()  # settles autoscaled limits, and leaves every artist drawn: not stale
        self.kept = {ax: set(ax.get_children()) for ax in self.axes}
        self.kept_figure = set(fig.get_children())
        # containers (a bar chart's bars, an errorbar's parts) are no artists of the Axes, but
        # its legend lists them: a position's must go with it
        self.containers = {ax: list(ax.containers) for ax in self.axes}
        self.views = {ax: _view(ax) for ax in self.axes}
        self.titles = {ax: [t.get_text() for t in _titles(ax)] for ax in self.axes}
        self.cycles = {ax: {name: copy.deepcopy(getattr(ax, name)) for name in _CYCLES}
                       for ax in self.axes}
        self.added = []
        self.buffer = None
        self.below = None  # per Axes: the zorder from which artists are drawn with each position
        self.axis_boxes = {}  # what each axis measured, for placing titles (_axes_measured_once)

    def draw(self, values):
        """Draw the position ``values`` in part and return True; or return False, drawing
        nothing, when the position changes the background (the figure is then the drawer's no
        more: what the position changed would stay in the next frames)."""
        self._take_back()
        self.draw_position(self.handle, **values)
        added = {ax: [a for a in ax.get_children() if a not in self.kept[ax]] for ax in self.axes}
        self.added = [a for arts in added.values() for a in arts]
        on_figure = [a for a in self.fig.get_children() if a not in self.kept_figure]
        if on_figure or not self._background_unchanged():
            return False
        below = {ax: min((a.zorder for a in added[ax]), default=float("inf")) for ax in self.axes}
        if self.buffer is None or any(below[ax] < self.below[ax] for ax in self.axes):
            self._keep_background(below)
        canvas = self.fig.canvas
        canvas.restore_region(self.buffer)
        renderer = canvas.get_renderer()
        for ax in sorted(self.axes, key=attrgetter("zorder")):
            texts = tuple(t.get_text() for t in _titles(ax))
            if texts != self.placed[ax]:  # as Axes.draw places them (measuring the axis is slow)
                with _axes_measured_once(self.axes, self.axis_boxes):
                    ax._update_title_position(renderer)
                self.placed[ax] = texts
            for artist in _draw_order(ax):
                if artist.zorder >= self.below[ax]:
                    artist.draw(renderer)
        return True

    def _take_back(self):
        for artist in self.added:
            artist.remove()
        self.added = []
        for ax in self.axes:
            ax.containers[:] = self.containers[ax]
            for name, cycle in self.cycles[ax].items():
                setattr(ax, name, copy.deepcopy(cycle))
            for title, text in zip(_titles(ax), self.titles[ax]):
                if title.get_text() != text:
                    title.set_text(text)
                    title.stale = False

    def _background_unchanged(self):
        for ax in self.axes:
            if _view(ax) != self.views[ax]:
                return False
            titles = set(_titles(ax))
            if any(a.stale for a in self.kept[ax] if a not in titles and a is not ax.patch):
                return False
            if ax.patch.stale:
                return False
        return True

    def _keep_background(self, below):
        """Render the background without its artists at or above ``below`` and keep the pixels."""
        if self.below is not None:
            below = {ax: min(below[ax], self.below[ax]) for ax in self.axes}
        hidden = [a for ax in self.axes for a in _draw_order(ax)
                  if a.zorder >= below[ax] and a.get_visible()]
        for artist in hidden:
            artist.set_visible(False)
        try:
            self.fig.canvas.draw()
            self.buffer = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            # that draw placed the titles as if hidden: place them again in the next frame
            self.placed = {ax: None for ax in self.axes}
            self.axis_boxes = {}
        finally:
            for artist in hidden:
                artist.set_visible(True)
            for ax in self.axes:
                for artist in self.kept[ax]:
                    artist.stale = False
        self.below = below


@contextlib.contextmanager
def _axes_measured_once(axes, boxes):
    """While titles are placed, each axis of ``axes`` gives the bounding box it gave the first
    time (kept in ``boxes``) instead of measuring its ticks and labels again.

    ``Axes._update_title_position`` measures the x and y axes to find what the title must
    clear: about 15 ms a frame, most of a frame drawn in part, for a figure whose title says
    the sliders' values. The axes are the background's, which no position may change
    (:meth:`FrameDrawer.draw` checks), so their boxes are those of the first measure; the
    title's own extent, which depends on its text, is still measured every time."""
    patched = []
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            measure = axis.get_tightbbox

            def remembered(renderer=None, *, for_layout_only=False, _axis=axis, _measure=measure):
                key = (_axis, for_layout_only)
                if key not in boxes:
                    boxes[key] = _measure(renderer, for_layout_only=for_layout_only)
                return boxes[key]
            axis.get_tightbbox = remembered
            patched.append(axis)
    try:
        yield
    finally:
        for axis in patched:
            del axis.get_tightbbox  # the class's method again


def _titles(ax):
    return (ax.title, ax._left_title, ax._right_title)


def _view(ax):
    """What a position may not change: the Axes' limits and scales (autoscaled now if pending)."""
    return (tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale())


def _draw_order(ax):
    """The artists ``Axes.draw`` draws after its patch, in its order (a stable sort by zorder)."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    if not (ax.axison and ax.get_frame_on()):
        artists = [a for a in artists if a not in ax.spines.values()]
    if not ax.axison:
        artists = [a for a in artists if a not in (ax.xaxis, ax.yaxis)]
    return sorted((a for a in artists if not a.get_animated()), key=attrgetter("zorder"))
