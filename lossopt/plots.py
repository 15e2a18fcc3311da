"""Plot helpers the chapters share: loss curves, a function beside its derivative, tidy axes.

Each helper draws into axes it is given (or creates them on a figure it is given), so the same
code serves a static figure and a frame of :func:`lossopt.interactive.interactive_figure`.
"""
import numpy as np

#: One colour per idea, used the same way in every chapter (colour-blind safe, Okabe-Ito).
COLOURS = {
    "mse": "#0072B2",
    "mae": "#E69F00",
    "huber": "#009E73",
    "ce": "#D55E00",
    "hinge": "#CC79A7",
    "data": "#555555",
    "highlight": "#D55E00",
}


def tidy(ax, title=None, xlabel=None, ylabel=None, legend=True):
    """Give ``ax`` a title, axis labels, a light grid and (if it has labelled lines) a legend."""
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return ax


def curves(ax, x, ys, colours=None, styles=None, **tidy_kwargs):
    """Plot several curves over the same ``x``.

    Parameters
    ----------
    ax : matplotlib Axes
    x : array_like of shape (n,)
    ys : dict mapping a label to an array of shape (n,)
        One line per entry, in order, labelled with its key.
    colours, styles : dict, optional
        Colour and line style per label; missing labels use matplotlib's defaults.
    **tidy_kwargs
        Passed to :func:`tidy` (``title``, ``xlabel``, ``ylabel``, ``legend``).
    """
    x = np.asarray(x)
    colours = colours or {}
    styles = styles or {}
    for label, y in ys.items():
        y = np.asarray(y)
        if y.shape != x.shape:
            raise ValueError(f"curve {label!r} has shape {y.shape}, expected {x.shape} like x")
        ax.plot(x, y, label=label, color=colours.get(label), linestyle=styles.get(label, "-"))
    return tidy(ax, **tidy_kwargs)


def loss_history(ax, histories, log=False, colours=None, **tidy_kwargs):
    """Plot training curves: ``histories`` maps a label to the loss recorded at each step."""
    for label, history in histories.items():
        history = np.asarray(history, dtype=float)
        ax.plot(np.arange(len(history)), history, label=label,
                color=(colours or {}).get(label))
    if log:
        ax.set_yscale("log")
    tidy_kwargs.setdefault("xlabel", "step")
    tidy_kwargs.setdefault("ylabel", "loss")
    return tidy(ax, **tidy_kwargs)


def function_and_derivative(fig, x, functions, derivatives, marker=None, colours=None,
                            xlabel="x", titles=("value", "derivative")):
    """Draw functions on a left panel and their derivatives on a right panel.

    Parameters
    ----------
    fig : matplotlib Figure
        Drawn into with ``fig.subplots(1, 2)``.
    x : array_like of shape (n,)
    functions, derivatives : dict mapping a label to an array of shape (n,)
        The same labels in both, so a colour means the same curve on both panels.
    marker : float, optional
        An ``x`` position to mark with a vertical line on both panels.

    Returns
    -------
    (ax_value, ax_derivative)
    """
    if set(functions) != set(derivatives):
        raise ValueError("functions and derivatives must have the same labels, got "
                         f"{sorted(functions)} and {sorted(derivatives)}")
    ax_f, ax_d = fig.subplots(1, 2)
    curves(ax_f, x, functions, colours=colours, title=titles[0], xlabel=xlabel)
    curves(ax_d, x, derivatives, colours=colours, title=titles[1], xlabel=xlabel, legend=False)
    ax_d.axhline(0.0, color="black", linewidth=0.6)
    if marker is not None:
        for ax in (ax_f, ax_d):
            ax.axvline(marker, color=COLOURS["data"], linestyle=":", linewidth=1)
    return ax_f, ax_d
