"""Every pointer in the README, docs/, the notebooks and the package resolves: markdown links
to files and headings, file paths of the project, lecture names and numbers, and "README:
<heading>" references."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LECTURES = {p.stem for p in NOTEBOOKS}
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
PROJECT_PATH = re.compile(r"(?<![\w/.])((?:benchmarks|dlies|docs|notebooks|tests)/[\w./-]*\w)")
LECTURE_NAME = re.compile(r"`(\d\d_[a-z0-9_]+)`")
LECTURE_NUMBER = re.compile(r"\b[Ll]ectures? (\d\d)\b")
README_SECTION = re.compile(r"README: ([A-Z][\w -]+)")


def _documents() -> dict[str, str]:
    """Each place a pointer can be written, by its project path, as text."""
    docs = {"README.md": (ROOT / "README.md").read_text()}
    docs |= {p.relative_to(ROOT).as_posix(): p.read_text() for p in (ROOT / "docs").glob("*.md")}
    for p in NOTEBOOKS:
        cells = json.loads(p.read_text())["cells"]
        docs[f"notebooks/{p.name}"] = "\n".join("".join(c["source"]) for c in cells)
    docs |= {p.relative_to(ROOT).as_posix(): p.read_text() for p in (ROOT / "dlies").rglob("*.py")}
    return docs


DOCUMENTS = _documents()
MARKDOWN = {
    f"notebooks/{p.name}": "\n".join(
        "".join(c["source"])
        for c in json.loads(p.read_text())["cells"]
        if c["cell_type"] == "markdown"
    )
    for p in NOTEBOOKS
}


def slug(heading: str) -> str:
    """GitHub's anchor for a markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)]


def test_slug_follows_github():
    assert slug("Using a GPU") == "using-a-gpu"
    assert slug("Reading `results.md`") == "reading-resultsmd"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pointers_resolve(name: str):
    text, here = DOCUMENTS[name], (ROOT / name).parent
    broken = []
    markdown = "" if name.endswith(".py") else MARKDOWN.get(name, text)
    for target in LINK.findall(markdown):
        if re.match(r"[a-z]+:", target):  # https:, mailto: (not checked offline)
            continue
        file, _, anchor = target.partition("#")
        path = (here / file).resolve() if file else ROOT / name
        if not path.exists():
            broken.append(f"link to a missing file: {target}")
        elif (
            anchor and path.suffix == ".md" and anchor not in map(slug, headings(path.read_text()))
        ):
            broken.append(f"link to a missing heading: {target}")
    for rel in PROJECT_PATH.findall(text):
        if not (ROOT / rel).exists() and "*" not in rel and "<" not in rel:
            broken.append(f"missing project path: {rel}")
    broken += [f"no lecture {n}" for n in LECTURE_NAME.findall(text) if n not in LECTURES]
    numbers = {p.name[:2] for p in NOTEBOOKS}
    broken += [f"no lecture {n}" for n in LECTURE_NUMBER.findall(text) if n not in numbers]
    readme = headings(DOCUMENTS["README.md"])
    broken += [
        f"no README heading {h!r}" for h in README_SECTION.findall(text) if h.strip() not in readme
    ]
    assert not broken, broken


def test_the_checks_catch_broken_pointers(tmp_path):
    text = "see [x](docs/nowhere.md), `dlies/missing.py`, `99_nothing` and README: No Such"
    assert LINK.findall(text) == ["docs/nowhere.md"]
    assert PROJECT_PATH.findall(text) == ["docs/nowhere.md", "dlies/missing.py"]
    assert LECTURE_NAME.findall(text) == ["99_nothing"]
    assert README_SECTION.findall(text) == ["No Such"]
