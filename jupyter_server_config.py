"""Jupyter server settings for grading: start the formgrader with
``jupyter lab --config=jupyter_server_config.py`` from the course root.

What a submission displays is cleaned before the formgrader renders it (``autograder.pipeline.sanitize``,
via ``nbgrader_config.py``). This policy is the wall behind that: should a payload slip through,
the page may still load scripts, styles, fonts and images only from this server (and MathJax
from the one place nbgrader's templates load it), and may send data nowhere else: no fetch,
WebSocket or image beacon to another host, no plug-ins, no foreign frames, no form that posts
elsewhere, no ``<base>`` that moves relative links. JupyterLab and the formgrader run inline
scripts of their own, so the policy cannot forbid inline script outright; opening the formgrader
in a browser profile of its own keeps what such a script could reach to this server alone.
"""
MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/"

c = get_config()  # noqa: F821  (injected by traitlets when Jupyter loads this file)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'unsafe-inline' 'unsafe-eval' {MATHJAX}",
    f"style-src 'self' 'unsafe-inline' {MATHJAX}",
    f"font-src 'self' data: {MATHJAX}",
    "img-src 'self' data: blob:",
    "connect-src 'self'",  # also the same host's WebSockets (CSP 3)
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])}}
