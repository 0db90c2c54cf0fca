"""Show the source of a package object inside a notebook."""

from __future__ import annotations

import inspect
import textwrap
from typing import Any


def show_source(obj: Any) -> Any:
    """Display the source code of a function or class, highlighted in Jupyter.

    The lectures call this the first time they use a model builder from :mod:`dlies.models`,
    so that the architecture stays visible in the notebook.

    Parameters
    ----------
    obj : function, class or module
        Anything :func:`inspect.getsource` accepts.

    Returns
    -------
    IPython.display.Code or str
        A ``Code`` object (rendered with syntax highlighting as a cell's last expression) when
        IPython is available, else the source text, which is also printed.
    """
    try:
        source = textwrap.dedent(inspect.getsource(obj))
    except (TypeError, OSError) as exc:
        raise TypeError(f"show_source: cannot get the source of {obj!r}: {exc}") from exc
    try:
        from IPython.display import Code
    except ImportError:  # pragma: no cover - IPython ships with jupyterlab
        print(source)
        return source
    return Code(source, language="python")
