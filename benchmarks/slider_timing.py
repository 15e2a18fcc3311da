"""Timing live slider moves of a ``lossopt.interactive`` figure, for ``benchmarks/book.py``.

``book.py`` runs every chapter in a Jupyter kernel and calls :func:`time_updates` there on each
``interactive_figure`` the chapter made (it puts this folder on the kernel's ``sys.path``).
"""
import time


def time_updates(figure, repeats=20, warm=False):
    """Seconds each of ``repeats`` live slider moves takes.

    Drives the live widget headlessly, exactly as a moving slider does in a kernel: each move
    sets one slider's value (the sliders take turns) to its next grid point, wrapping around.
    Cold (the default): every move redraws (compute + draw + encode), as on a figure just shown.
    ``warm``: every frame is drawn first (in the background process), as a reader finds the
    figure a few seconds after it appears, so a move costs a look-up.
    """
    box = figure.widget(cache=warm, prefetch=warm)
    if warm:
        box.frames.wait()
    seconds = []
    for k in range(repeats):
        which = k % len(figure.sliders)
        index = list(box.index)
        index[which] = (index[which] + 1) % len(figure.sliders[which].values)
        start = time.perf_counter()
        box.index = index  # what the browser sets when a reader moves a slider
        seconds.append(time.perf_counter() - start)
    return seconds
