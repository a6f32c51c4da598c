"""Build the Korean edition into _build/html/ko (make book runs it).

    python scripts/build_korean.py [jupyter-book build options, e.g. -W -n]

The Korean edition is the English book's pages with ``language: ko``: the
same notebooks and Markdown files, their prose taken from
``locales/ko/LC_MESSAGES/`` (make translations), their code cells and outputs
unchanged. _config.yml stays the one configuration; this script writes it
again with the Korean language and title to _build/_config.ko.yml, builds
with it into _build/ko, and copies the site into the English one's ko/ folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"

#: What differs in the Korean edition's configuration.
TITLE = "CrossEntropyLoss인가, NLLLoss인가?"
AUTHOR = "이 책의 저자들"


def korean_config() -> Path:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = TITLE
    config["author"] = AUTHOR
    sphinx = config["sphinx"]
    sphinx["config"]["language"] = "ko"
    # Paths in _config.yml are relative to it; this copy lives in _build/.
    sphinx["local_extensions"] = {name: str(ROOT / folder) for name, folder
                                  in sphinx["local_extensions"].items()}
    sphinx["config"]["locale_dirs"] = [str(ROOT / d) for d
                                       in sphinx["config"]["locale_dirs"]]
    path = BUILD / "_config.ko.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", ".", "--config", str(korean_config()),
                          "--path-output", str(BUILD / "ko"), *argv], cwd=ROOT)
    if run.returncode:
        return run.returncode
    target = BUILD / "html" / "ko"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(BUILD / "ko" / "_build" / "html", target)
    print(f"The Korean edition is built: file://{target}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
