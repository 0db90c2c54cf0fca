"""Files the course's own code wrote outside ``dlies run``, recognised by their content.

A notebook run by hand (JupyterLab) writes into the build folder too: the figures of
:func:`dlies.course.savefig`, which carry :data:`dlies.course.FIGURE_MARK` as their creator,
and the results file of :func:`dlies.course.record`. ``dlies run`` may replace or delete those
because of their content, never because of their names; anything else, and anything reached
through a symbolic link, is not dlies' own.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from dlies import course

#: The fields of one entry of a results file, as :func:`dlies.course.record` writes them.
RESULT_KEYS = ("lecture", "metric", "value", "low", "high", "interval_method", "reference")
RESULT_KEYS += ("source", "threshold", "passed", "mode")
#: The fields of a claim row, as :func:`dlies.course.claim` writes it (``kind`` is "claim").
CLAIM_KEYS = ("lecture", "kind", "statement", "holds", "evidence", "judged", "mode")
#: Largest results file read to recognise it (a lecture records a few dozen numbers).
MAX_RESULTS_BYTES = 4 << 20

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_METADATA = re.compile(rb"<metadata>(.*?)</metadata>", re.DOTALL)
_SVG_CREATOR = re.compile(rb"<dc:creator>\s*<cc:Agent>\s*<dc:title>([^<]*)</dc:title>")
_PDF_INFO = re.compile(rb" 0 obj\s*<<([^<>]*)>>\s*endobj\s*$")
_PDF_CREATOR = re.compile(rb"/Creator \(([^()\\]*)\)")


def is_regular(path: Path) -> bool:
    """A regular file reached without symbolic links (``path`` absolute, its parents resolved)."""
    return path.is_file() and not path.is_symlink() and path.resolve() == path


def png_creator(path: Path) -> str | None:
    """The ``Creator`` text of a PNG file (an intact ``tEXt`` chunk), or ``None``."""
    with open(path, "rb") as f:
        if f.read(8) != _PNG_SIGNATURE:
            return None
        while len(head := f.read(8)) == 8:
            length, kind = struct.unpack(">I4s", head)
            if kind == b"IEND":
                return None
            if kind != b"tEXt" or length > 4096:
                f.seek(length + 4, 1)
                continue
            data, crc = f.read(length), f.read(4)
            if len(crc) < 4 or zlib.crc32(kind + data) != struct.unpack(">I", crc)[0]:
                return None
            key, _, text = data.partition(b"\0")
            if key == b"Creator":
                return text.decode("latin-1")
    return None


def svg_creator(path: Path) -> str | None:
    """The creator agent's title in an SVG file's leading ``<metadata>``, or ``None``."""
    with open(path, "rb") as f:
        head = f.read(8192)
    metadata = _SVG_METADATA.search(head)
    found = _SVG_CREATOR.search(metadata.group(1)) if metadata else None
    return found.group(1).decode("utf-8", "replace") if found else None


def pdf_creator(path: Path) -> str | None:
    """``/Creator`` of the information dictionary right before the PDF's cross-reference
    table (where matplotlib writes it), or ``None``."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - 1024))
        found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", f.read())
        if not found or not 0 < int(found.group(1)) <= size:
            return None
        xref = int(found.group(1))
        f.seek(max(0, xref - 4096))
        before = f.read(xref - f.tell())
    info = _PDF_INFO.search(before, max(0, before.rfind(b" 0 obj")))
    found = _PDF_CREATOR.search(info.group(1)) if info else None
    return found.group(1).decode("latin-1") if found else None


_CREATORS = {".png": png_creator, ".svg": svg_creator, ".pdf": pdf_creator}


def is_marked_figure(path: Path) -> bool:
    """Whether ``path`` is a regular figure file that :func:`dlies.course.savefig` wrote."""
    reader = _CREATORS.get(path.suffix)
    if reader is None or not is_regular(path):
        return False
    try:
        return reader(path) == course.FIGURE_MARK
    except (OSError, ValueError):
        return False


def is_claim(entry: Any) -> bool:
    """Whether ``entry`` is a claim row (:data:`CLAIM_KEYS`, kind "claim")."""
    return (
        isinstance(entry, dict)
        and sorted(entry) == sorted(CLAIM_KEYS)
        and entry["kind"] == "claim"
        and isinstance(entry["statement"], str)
        and isinstance(entry["holds"], bool)
        and isinstance(entry["judged"], bool)
        and isinstance(entry["evidence"], dict)
    )


def entry_key(entry: Any) -> tuple[str, str] | None:
    """What identifies a row within its lecture: ("number", metric) or ("claim", statement)."""
    if is_claim(entry):
        return ("claim", entry["statement"])
    if isinstance(entry, dict) and "metric" in entry:
        return ("number", entry["metric"])
    return None


def _is_result(entry: Any, lecture: str) -> bool:
    if not isinstance(entry, dict) or entry.get("lecture") != lecture:
        return False
    if is_claim(entry):
        return True
    if sorted(entry) != sorted(RESULT_KEYS):
        return False
    value = entry["value"]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(entry["metric"], str) and number


def is_results_file(path: Path, lecture: str) -> bool:
    """Whether ``path`` is a regular file holding ``lecture``'s results: a non-empty JSON list
    of the rows :func:`dlies.course.record` and :func:`dlies.course.claim` write."""
    if not is_regular(path):
        return False
    try:
        if path.stat().st_size > MAX_RESULTS_BYTES:
            return False
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return False
    return is_results_list(entries, lecture)


def is_results_list(entries: Any, lecture: str) -> bool:
    """Whether ``entries`` (a parsed results file) is a non-empty list of ``lecture``'s rows,
    each with exactly the fields :func:`dlies.course.record` or :func:`dlies.course.claim`
    writes (files from before claims existed hold numbers only, and are recognised too)."""
    return (
        isinstance(entries, list) and bool(entries) and all(_is_result(e, lecture) for e in entries)
    )


def is_marked(out: Path, rel: str, lecture: str) -> bool:
    """Whether ``<out>/<rel>`` is a file of ``lecture`` that dlies wrote outside ``dlies run``:
    a marked figure directly in ``figures/<lecture>/`` (where savefig writes, in one of its
    formats) or the lecture's results file."""
    if rel == f"results/{lecture}.json":
        return is_results_file(out / rel, lecture)
    folder = rel.rpartition("/")[0]
    return folder == f"figures/{lecture}" and is_marked_figure(out / rel)
