"""A correct notebook that tries to change files outside its folder: the gradebook, the
solutions, the config, the course library, other students' notebooks, the grader's /tmp.

base: solution
splice: top
loses:
"""
import glob
import os
import shutil

_targets = ["{COURSE}/gradebook.db", "{COURSE}/nbgrader_config.py",
            "{COURSE}/solutions/ce_vs_mse/ce_vs_mse.ipynb", "{REPO}/lossopt/checking.py",
            "{REPO}/nbgrader_config.py", "/tmp/hostile-was-here", os.path.expanduser("~/.bashrc")]
_targets += glob.glob("{COURSE}/submitted/*/ce_vs_mse/ce_vs_mse.ipynb")
for _path in _targets:
    for _attempt in (lambda p: open(p, "a").write("owned"), os.remove,
                     lambda p: os.makedirs(os.path.dirname(p), exist_ok=True),
                     lambda p: shutil.rmtree(os.path.dirname(p))):
        try:
            _attempt(_path)
        except Exception:
            pass
