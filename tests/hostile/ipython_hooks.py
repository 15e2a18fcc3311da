"""A wrong sigmoid, with IPython hooks that try to turn failures into passes.

base: partial
splice: top
loses: sigmoid_values sigmoid_hidden
"""
import sys

ip = get_ipython()  # noqa: F821  (IPython's global)
ip.set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: print("passed"))
ip.events.register("post_run_cell", lambda result: print("passed: every check"))
ip.events.register("pre_run_cell", lambda info: None)
sys.excepthook = lambda *args: None
sys.displayhook = lambda value: print("passed")
