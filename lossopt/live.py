"""Live slider figures in a Jupyter kernel: frames kept and chosen in the browser, drawn ahead elsewhere.

A slider can only stop on its grid, so a live figure has at most ``frame_count`` distinct images.
The view is one widget (:class:`SliderFigure`, an `anywidget <https://anywidget.dev>`_ whose
front-end code is the ``_ESM`` module below): the browser draws the sliders, keeps every frame
the kernel has sent it as a decoded image, and shows the frame of the sliders' values the moment
one moves, without a message to the kernel and back. ipywidgets' own ``Stack`` cannot do that:
it builds a new view of the shown child, and a new image to decode, on every change.

The kernel still hears of every move (the ``index`` trait), and draws the frame then if it has not
been drawn. Frames not yet asked for are drawn ahead by :class:`LiveFrames` in a separate process,
forked from the kernel once the frame of a reader's first move is on screen (the view says so;
forking sooner would delay that frame): it has its own interpreter, so its drawing
never holds the kernel's GIL while a move is answered, and it draws the frames nearest the
sliders' latest position first (the kernel tells it each position). Its PNGs come back over a
pipe and go on to the browser; a frame the kernel drew on demand meanwhile is not sent again.
"""

import itertools
import multiprocessing
import os
import sys
import threading
import warnings

import anywidget
import traitlets


def _distance(a, b):
    return sum(abs(x - y) for x, y in zip(a, b))


class LiveFrames:
    """The PNG of every grid point of one figure, each passed on once to ``on_frame``.

    :meth:`get` draws a frame in the kernel when it is wanted and not drawn; :meth:`start`
    forks the process that draws the others, nearest the latest position first
    (:meth:`moved` tells it the position). ``frames`` maps a grid point (one index per slider)
    to its PNG bytes; ``on_frame(key, png)`` is called once per frame, from whichever thread
    stored it (the view sends it to the browser).
    """

    def __init__(self, figure, on_frame=None):
        self.figure = figure
        self.frames = {}
        self.on_frame = on_frame
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
        if self.on_frame is not None:
            self.on_frame(key, png)

    def moved(self, key):
        """Tell the drawing process the sliders are at ``key`` (drawn: it skips it)."""
        if self._positions is not None:
            try:
                self._positions.send(key)
            except (OSError, ValueError):  # the process has finished: nothing left to draw
                self._positions = None

    def start(self, at=None):
        """Fork the drawing process (once), drawing nearest ``at`` (a grid point; default the
        sliders' start) first; grids over ``MAX_FRAMES`` are drawn on demand only."""
        from lossopt.interactive import MAX_FRAMES

        if self.thread is not None or self.figure.frame_count > MAX_FRAMES:
            return
        context = multiprocessing.get_context("fork")  # the draw function lives in the kernel
        frames_in, frames_out = context.Pipe(duplex=False)
        positions_in, positions_out = context.Pipe(duplex=False)
        with self.lock:
            done = set(self.frames)
        if at is None:
            at = tuple(s.index(s.value) for s in self.figure.sliders)
        self.process = context.Process(target=_draw_ahead, daemon=True, name="lossopt-frames",
                                       args=(self.figure, done, tuple(at), frames_out, positions_in))
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


def _draw_ahead(figure, done, at, frames_out, positions_in):
    """In the forked process: draw every grid point not in ``done``, nearest the latest
    position (``at``, then each one the kernel sends) first, and send ``(key, png)`` for each."""
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull  # the kernel's streams are not this process's to write
    _yield_the_processor()
    _forget_the_kernels_fonts()
    warnings.simplefilter("ignore")
    shape = [len(s.values) for s in figure.sliders]
    todo = set(itertools.product(*(range(n) for n in shape))) - set(done)
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


# The view in the browser (anywidget's module format): a labelled range input and a read-out per
# slider, as in the book's static figures, above the frame of their values. Frames arrive as
# custom messages ({"frames": [flat index, ...]} with one PNG buffer each); each becomes an <img>
# decoded ahead, so a move swaps in a picture that is ready to paint. A view asks for the frames
# the kernel already has when it is rendered (a notebook reopened, a second view of the output).
_ESM = r"""
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
                             "PageUp", "PageDown"]);
function keepSliderKeys() {
  if (window.__lossoptSliderKeys) return;
  window.__lossoptSliderKeys = true;
  // on the window, in the capture phase: before any listener of the page's own
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement && target.classList.contains("lossopt-slider")
        && target.closest(".lossopt-live") && SLIDER_KEYS.has(event.key)
        && !(event.altKey || event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.stopImmediatePropagation();  // not preventDefault: the input still moves
    }
  }, true);
}

function render({ model, el }) {
  const shape = model.get("shape"), labels = model.get("labels");
  const [width, height] = model.get("size");
  const images = new Map();
  const root = document.createElement("div");
  root.className = "lossopt-live";
  // The front end's keyboard shortcuts would take the keys typed on a slider: JupyterLab's
  // skip what is inside this attribute, and the keys that move a range input are kept from
  // every other listener (Notebook 7 cancels an arrow key and moves the focus to the notebook).
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  keepSliderKeys();
  const prefix = "lossopt-live-" + Math.random().toString(36).slice(2);
  const inputs = [], outputs = [];
  model.get("texts").forEach((text, i) => {
    const row = document.createElement("div");
    row.className = "lossopt-control";
    const label = document.createElement("label");
    label.htmlFor = prefix + "-" + i;
    label.textContent = text;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", id: label.htmlFor, className: "lossopt-slider",
                           min: 0, max: shape[i] - 1, step: 1, value: model.get("index")[i] });
    const output = document.createElement("output");
    output.className = "lossopt-value";
    output.htmlFor = input.id;
    row.append(label, input, output);
    root.append(row);
    inputs.push(input);
    outputs.push(output);
  });
  const holder = document.createElement("div");
  holder.className = "lossopt-live-frame";
  holder.style.aspectRatio = width + " / " + height;
  holder.style.maxWidth = width + "px";
  root.append(holder);
  el.append(root);

  function flat(index) {
    return index.reduce((at, k, i) => at * shape[i] + k, 0);
  }
  // Once the frame of the reader's first move is painted, the kernel may draw the others ahead.
  let moved = false, askedAhead = false;
  function afterPaint(callback) {
    requestAnimationFrame(() => {
      const painted = new MessageChannel();
      painted.port1.onmessage = callback;
      painted.port2.postMessage(null);
    });
  }
  function show() {
    const index = inputs.map((input) => +input.value);
    index.forEach((k, i) => { outputs[i].textContent = labels[i][k]; });
    const at = flat(index), image = images.get(at);
    if (image) {
      if (holder.firstChild !== image) holder.replaceChildren(image);
      holder.dataset.frame = at;
      holder.removeAttribute("aria-busy");
      if (moved && !askedAhead) {
        askedAhead = true;
        afterPaint(() => model.send({ want: "ahead" }));
      }
    } else {
      holder.setAttribute("aria-busy", "true");  // the last frame stays until this one arrives
    }
    return index;
  }
  // The kernel hears of a move to a frame the view has after that frame is painted: telling it
  // first would make the reader wait for the message's encoding and sending. A frame the view
  // lacks is asked for at once: the kernel must draw it before anything can be painted.
  let unsent = null;
  function notify() {
    const index = unsent;
    unsent = null;
    model.set("index", index);
    model.save_changes();
  }
  for (const input of inputs) {
    input.addEventListener("input", () => {
      moved = true;
      if (unsent === null && !images.has(flat(inputs.map((input) => +input.value)))) {
        queueMicrotask(notify);  // runs once this listener has set unsent
      } else if (unsent === null) {
        afterPaint(notify);
      }
      unsent = show();
    });
  }
  const problem = document.createElement("p");
  problem.className = "lossopt-live-error";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  root.append(problem);
  function received(message, buffers) {
    if (message && typeof message.error === "string") {
      problem.textContent = "This frame could not be drawn: " + message.error;
      problem.hidden = false;
      return;
    }
    if (!message || !Array.isArray(message.frames)) return;
    problem.hidden = true;
    message.frames.forEach((at, k) => {
      const image = document.createElement("img");
      image.alt = model.get("alt");
      image.width = width;
      image.height = height;
      image.src = URL.createObjectURL(new Blob([buffers[k]], { type: "image/png" }));
      image.decode().catch(() => {});
      const old = images.get(at);
      if (old) URL.revokeObjectURL(old.src);
      images.set(at, image);
    });
    // marked once the view holds every frame (for tests); no change to the page before that
    root.toggleAttribute("data-all-frames", images.size === shape.reduce((n, k) => n * k, 1));
    show();
  }
  function moved_elsewhere() {
    const index = model.get("index");
    if (unsent === null && index.some((k, i) => +inputs[i].value !== k)) {
      index.forEach((k, i) => { inputs[i].value = k; });
      show();
    }
  }
  model.on("msg:custom", received);
  model.on("change:index", moved_elsewhere);
  show();
  model.send({ want: "frames" });
  return () => {
    model.off("msg:custom", received);
    model.off("change:index", moved_elsewhere);
    for (const image of images.values()) URL.revokeObjectURL(image.src);
  };
}
export default { render };
"""

_CSS = """
.lossopt-live { display: grid; grid-template-columns: max-content minmax(6rem, 24rem) max-content 1fr;
                align-items: center; column-gap: .6em; row-gap: .2em; }
.lossopt-live .lossopt-control { display: contents; }
.lossopt-live .lossopt-control label { grid-column: 1; }
.lossopt-live .lossopt-slider { grid-column: 2; }
.lossopt-live .lossopt-value { grid-column: 3; min-width: 4em; font-variant-numeric: tabular-nums; }
.lossopt-live .lossopt-live-frame, .lossopt-live .lossopt-live-error { grid-column: 1 / -1; width: 100%; }
.lossopt-live .lossopt-live-frame img { display: block; width: 100%; height: auto; }
.lossopt-live .lossopt-live-error { color: #b00020; white-space: pre-wrap; margin: .2em 0; }
"""


class SliderFigure(anywidget.AnyWidget):
    """The live figure: sliders and frames in the browser (``_ESM``), frames drawn in the kernel.

    ``index`` holds the sliders' positions (one grid index per slider); the browser sets it
    when a reader moves a slider, and a change from the kernel moves the browser's sliders.
    ``frames`` is the figure's :class:`LiveFrames`.
    """

    _esm = _ESM
    _css = _CSS
    shape = traitlets.List(traitlets.Int()).tag(sync=True)
    labels = traitlets.List(traitlets.List(traitlets.Unicode())).tag(sync=True)
    texts = traitlets.List(traitlets.Unicode()).tag(sync=True)
    size = traitlets.List(traitlets.Int()).tag(sync=True)
    alt = traitlets.Unicode().tag(sync=True)
    index = traitlets.List(traitlets.Int()).tag(sync=True)

    def flat(self, key):
        """The frame number of grid point ``key``: row-major, as the static figures number them."""
        from lossopt.interactive import _flat_index

        return _flat_index(key, self.shape)

    def send_frames(self, frames):
        """Send ``{key: png}`` to the browser, one message."""
        if frames:
            self.send({"frames": [self.flat(key) for key in frames]}, buffers=list(frames.values()))

    def values(self):
        """The sliders' values, by name."""
        return self.frames.values(tuple(self.index))

    def shown_png(self):
        """PNG bytes of the frame the sliders select (None while it is being drawn)."""
        return self.frames.frames.get(tuple(self.index))


def _forget_the_kernels_fonts():
    """Drop the font objects this process inherited from the kernel.

    A FreeType font reads its file through a descriptor whose offset the forked process shares
    with the kernel, so both reading glyphs at once corrupt each other's reads (the kernel's
    draw failed with "FT_Load_Glyph ... too many hints"). matplotlib empties its own font cache
    in a forked child; parsed math text (log-axis labels such as 10^-8) keeps its fonts in a
    cache of its own, emptied here, so this process opens the fonts afresh.
    """
    from matplotlib.mathtext import MathTextParser

    MathTextParser._parse_cached.cache_clear()


def _yield_the_processor():
    """Give way to the browser and the kernel: frames drawn ahead must not slow a move being
    painted or answered. The lowest priority, not Linux's idle class: on a machine kept busy
    (a training cell, a build) the idle class would never draw ahead at all."""
    try:
        os.nice(19)
    except (AttributeError, OSError):
        pass


def live_view(figure, cache=True, prefetch=None, in_kernel=False):
    """The :class:`SliderFigure` of ``figure`` at its sliders' start values (see the module
    docstring).

    ``cache=False`` draws again on every move (a benchmark's cold figure). ``prefetch=True``
    starts drawing ahead now. By default, in a kernel (``in_kernel``), it starts when the view
    says the frame of a reader's first move is on screen (``{"want": "ahead"}``): a notebook run
    headless draws nothing it does not show, and the fork of the drawing process never delays
    the answer to that move.
    """
    sliders = figure.sliders
    dpi = figure.dpi or _live_dpi()
    view = SliderFigure(
        shape=[len(s.values) for s in sliders], labels=[[s.format(v) for v in s.values] for s in sliders],
        texts=[s.text for s in sliders], size=[round(side * dpi) for side in figure.figsize],
        alt="Figure with sliders: " + ", ".join(s.text for s in sliders),
        index=[s.index(s.value) for s in sliders])
    frames = view.frames = LiveFrames(figure, on_frame=lambda key, png: view.send_frames({key: png}))
    frames.get(figure.initial)
    ahead_when_asked = cache and prefetch is None and in_kernel

    def moved(_change):
        values = view.values()
        try:
            if cache:
                frames.get(values)
                frames.moved(tuple(view.index))
            else:
                view.send_frames({tuple(view.index): figure._png(values)})
        except Exception as error:  # shown under the figure: a move must never just hang
            view.send({"error": str(error), "frame": view.flat(view.index)})
            raise

    def asked(_view, content, _buffers):
        if not isinstance(content, dict):
            return
        if content.get("want") == "frames":
            with frames.lock:
                known = dict(frames.frames)
            view.send_frames(known)
        elif content.get("want") == "ahead" and ahead_when_asked:
            frames.start(tuple(view.index))  # once; later calls return at once

    view.observe(moved, names="index")
    view.on_msg(asked)
    if cache and prefetch:
        frames.start()
    return view


def _live_dpi():
    from lossopt.interactive import LIVE_DPI

    return LIVE_DPI
