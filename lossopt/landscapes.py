"""Loss landscapes the chapters descend, and the contour plots that show the descent.

The landscapes are small closed-form functions whose minima are known exactly, so a figure can
show how far an optimizer still is from the answer:

- :func:`valley` / :func:`valley_grad`: the elongated bowl f(x, y) = x^2 + 10 y^2 of the seeds
  (chapters 6 and 7), steep across (y) and shallow along (x).
- :func:`double_well` / :func:`double_well_grad`: a tilted one-dimensional double well with a
  shallow local minimum beside the global one (chapters 5 and 6).

:func:`descend` follows any optimizer step from a start point and returns the whole path;
:func:`plot_contours` and :func:`plot_path` draw a landscape and paths across it. The optimizer
rules themselves are not here: every chapter writes its rule out in NumPy.
"""
import numpy as np

VALLEY_START = (5.0, 3.0)
"""Where the seeds start every optimizer on the valley."""


def _as_points(p, name):
    p = np.asarray(p, dtype=float)
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"{name} must hold 2-D points with a last axis of length 2, got shape {p.shape}")
    return p


def valley(p, a=1.0, b=10.0):
    """The elongated valley f(x, y) = a x^2 + b y^2 (seeds: a = 1, b = 10).

    Parameters
    ----------
    p : array_like, shape (..., 2)
        Points (x, y); any leading shape (one point, a path, a grid).
    a, b : float
        Curvatures along x and y; b / a is how elongated the valley is.

    Returns
    -------
    ndarray, shape (...)
        The height at each point. The minimum is 0 at the origin.
    """
    p = _as_points(p, "p")
    return a * p[..., 0] ** 2 + b * p[..., 1] ** 2


def valley_grad(p, a=1.0, b=10.0):
    """Gradient of :func:`valley`: (2 a x, 2 b y), same shape as ``p``."""
    p = _as_points(p, "p")
    return np.stack([2 * a * p[..., 0], 2 * b * p[..., 1]], axis=-1)


def double_well(x, tilt=0.5):
    """The tilted double well f(x) = x^4 - 2 x^2 + tilt * x.

    With ``tilt > 0`` the right-hand well is a shallow local minimum and the left-hand one the
    global minimum; :func:`double_well_minima` gives both. ``x`` is any array; the result has
    its shape.
    """
    x = np.asarray(x, dtype=float)
    return x**4 - 2 * x**2 + tilt * x


def double_well_grad(x, tilt=0.5):
    """Derivative of :func:`double_well`: 4 x^3 - 4 x + tilt."""
    x = np.asarray(x, dtype=float)
    return 4 * x**3 - 4 * x + tilt


def double_well_minima(tilt=0.5):
    """The (global, local) minimisers of :func:`double_well`, from the roots of its derivative.

    Raises ValueError when ``tilt`` is so large that only one well is left.
    """
    roots = np.roots([4.0, 0.0, -4.0, tilt])
    real = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
    if real.size != 3:
        raise ValueError(f"tilt={tilt} leaves a single well (|tilt| must be below {8 / 3**1.5:.3f})")
    left, right = real[0], real[2]
    if double_well(left, tilt) <= double_well(right, tilt):
        return left, right
    return right, left


def descend(step, grad, start, n_steps, state=None):
    """Follow an optimizer from ``start`` for ``n_steps`` steps and return the whole path.

    Parameters
    ----------
    step : callable
        ``step(p, g, state, t) -> (p, state)`` with ``g = grad(p)`` and ``t`` the 1-based step
        count; returns a new point, never changes ``p``.
    grad : callable
        Gradient of the landscape, e.g. :func:`valley_grad`.
    start : array_like
        The first point.
    n_steps : int
        How many steps to take.
    state : object, optional
        The optimizer's state before the first step (``None`` for a stateless rule).

    Returns
    -------
    ndarray, shape (n_steps + 1, *start.shape)
        The start point followed by the point after every step.
    """
    if int(n_steps) != n_steps or n_steps < 0:
        raise ValueError(f"n_steps must be a whole number >= 0, got {n_steps!r}")
    p = np.array(start, dtype=float)
    path = [p]
    for t in range(1, int(n_steps) + 1):
        p, state = step(p, grad(p), state, t)
        path.append(np.asarray(p, dtype=float))
    return np.array(path)


def plot_contours(ax, f=valley, xlim=(-6.0, 6.0), ylim=(-3.5, 3.5), levels=12, resolution=121):
    """Draw the contour lines of a 2-D landscape ``f`` (vectorised over (..., 2) points) on ``ax``.

    Levels are spaced geometrically between the lowest and highest value on the grid, so the
    narrow bottom of a valley gets as many lines as its steep walls. The minimum of ``valley``
    is marked with a star.
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    z = f(grid)
    low = max(float(z.min()), 1e-3)
    ax.contour(xs, ys, z, levels=np.geomspace(low, float(z.max()), levels),
               colors="0.75", linewidths=0.8)
    if f is valley:
        ax.plot(0, 0, marker="*", color="black", markersize=12, zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def plot_path(ax, path, label=None, color=None, markersize=3):
    """Draw an optimizer's path, shape (n, 2), with its start marked by a circle."""
    path = _as_points(path, "path")
    (line,) = ax.plot(path[:, 0], path[:, 1], "-o", markersize=markersize, linewidth=1.2,
                      label=label, color=color)
    ax.plot(path[0, 0], path[0, 1], "o", color=line.get_color(), markersize=7, mfc="white")
    return line
