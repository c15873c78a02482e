"""Build hook: the top-level ``ontology/`` and ``seeds/`` ride along in the package as ``graph/_bundled/``.

The repository keeps them at the top level (the layout the project fixes);
a wheel, ``pip install .`` and ``pip install git+…`` need them inside the
package, where ``graph.terms`` finds them with importlib.resources.  An
editable install reads them where they are.  Everything else is in
pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("ontology", "seeds")


class BuildWithBundled(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for name in BUNDLED:
            target = Path(self.build_lib) / "graph" / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(root / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithBundled})
