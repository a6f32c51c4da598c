"""The tests read the site and the PDFs as an earlier build left them only while that build's
stamp matches (scripts/build.py's inputs_digest and is_current, scripts/pdf.py's is_current):
each change below must be seen, and a build that fails leaves no stamp."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

from scripts import build, lock, pdf


def _checkout(root):
    """A small git checkout: a tracked page, an untracked extension, a test, an ignored build."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in {"page.md": "# A page\n", "_ext/x.py": "X = 1\n", "tests/test_x.py": "",
                       ".gitignore": "_build/\n", "_build/html/index.html": "<p>built</p>"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "page.md"], cwd=root, check=True)
    return root


def test_the_digest_sees_every_change_a_build_would_read(tmp_path, monkeypatch):
    root = _checkout(tmp_path)
    seen = [build.inputs_digest(root)]
    assert seen[0] and build.inputs_digest(root) == seen[0]

    # Not in the digest: the tests, and what the repository's .gitignore leaves out (the build).
    (root / "tests" / "test_x.py").write_text("assert True\n", encoding="utf-8")
    (root / "_build" / "html" / "index.html").write_text("<p>built again</p>", encoding="utf-8")
    assert build.inputs_digest(root) == seen[0]

    def changed(what: str) -> None:
        digest = build.inputs_digest(root)
        assert digest not in seen, f"not seen: {what}"
        seen.append(digest)

    (root / "page.md").write_text("# A page, edited\n", encoding="utf-8")
    changed("a tracked page edited")
    (root / "_ext" / "x.py").write_text("X = 2\n", encoding="utf-8")
    changed("an untracked file edited")
    (root / "new.md").write_text("# New\n", encoding="utf-8")
    changed("a file added")
    (root / "page.md").unlink()
    changed("a tracked file deleted")
    (root / "new.md").touch()
    changed("a file written again, unchanged (as a change undone while a build runs)")
    monkeypatch.setenv("BOOK_REPOSITORY", f"someone/{tmp_path.name}")
    changed("another repository for the buttons")
    monkeypatch.setenv("TEXINPUTS", str(tmp_path))
    changed("a variable that LaTeX reads")
    installed = lock.installed()
    upgraded = SimpleNamespace(metadata={"Name": "sphinx"}, version="99.0")
    monkeypatch.setattr(lock, "installed", lambda: [*installed, upgraded])
    changed("a package upgraded")


def test_outside_a_git_checkout_nothing_is_reused(tmp_path):
    (tmp_path / "page.md").write_text("# A page\n", encoding="utf-8")
    assert build.inputs_digest(tmp_path) is None


def test_a_stamp_is_left_by_a_build_that_completes_and_lost_when_another_build_writes(tmp_path, monkeypatch):
    html = tmp_path / "html"
    monkeypatch.setattr(build, "BUILD", tmp_path)
    monkeypatch.setattr(build, "HTML", html)
    monkeypatch.setattr(build, "LOG", tmp_path / "html.log")
    monkeypatch.setattr(build, "STAMP", tmp_path / "html.inputs")
    monkeypatch.setattr(build, "OUTPUTS", [tmp_path / "html.log", html / ".buildinfo", html / "ko" / ".buildinfo"])
    monkeypatch.setattr(build, "compile_catalogues", lambda: None)
    monkeypatch.setattr(build, "untranslated", lambda: {})
    monkeypatch.setattr(build, "inputs_digest", lambda root=build.ROOT: "the inputs")  # tested above
    result = {"code": 1}

    def jupyter_book(args, doctrees, out):  # writes what Sphinx would, then fails or not
        site = tmp_path / "ko" / "_build" / "html" if "--path-output" in args else html
        site.mkdir(parents=True, exist_ok=True)
        (site / ".buildinfo").write_text("built\n", encoding="utf-8")
        out.write("a build's output\n")
        return result["code"]

    monkeypatch.setattr(build, "_jupyter_book", jupyter_book)
    assert build.main() == 1 and not build.STAMP.exists() and not build.is_current()
    result["code"] = 0
    assert build.main() == 0 and build.is_current()
    (html / ".buildinfo").write_text("built by an older commit's script\n", encoding="utf-8")
    assert not build.is_current(), "another build wrote the site: its stamp must not match"
    assert build.main() == 0 and build.is_current()
    build.LOG.write_text("a failed build's output\n", encoding="utf-8")
    assert not build.is_current()
    assert build.main() == 0 and build.is_current()
    build.STAMP.write_text("[]", encoding="utf-8")
    assert not build.is_current(), "a stamp that is not one"


def test_a_pdf_stamp_sees_the_tex_files_it_read(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "LATEX", tmp_path / "latex")
    monkeypatch.setattr(pdf, "OUT", tmp_path / "pdf")
    monkeypatch.setattr(build, "inputs_digest", lambda root=build.ROOT: "the inputs")  # tested above
    texmf = tmp_path / "texmf" / "kotex.sty"
    texmf.parent.mkdir()
    texmf.write_text("% a package\n", encoding="utf-8")
    tex = pdf._tex("en")
    tex.mkdir(parents=True)
    (tex / "book.fls").write_text(f"PWD {tex}\nINPUT {texmf}\nINPUT ./figure.pdf\n", encoding="utf-8")
    for name in ("book.tex", "book.log", "book.out"):
        (tex / name).write_text(name, encoding="utf-8")
    pdf.OUT.mkdir()
    (pdf.OUT / pdf.NAMES["en"]).write_bytes(b"%PDF")
    assert not pdf.is_current("en")
    build.write_stamp(pdf._stamp("en"), build.inputs_digest(), pdf._outputs("en"), pdf._tex_inputs("en"))
    assert pdf.is_current("en")
    texmf.write_text("% the package, upgraded\n", encoding="utf-8")
    assert not pdf.is_current("en"), "TeX Live changed: the PDF's stamp must not match"
