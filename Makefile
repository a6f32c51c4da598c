# The two commands of the README, and their helpers.
#   make book     build the HTML site into _build/html, English, and its Korean
#                 edition into _build/html/ko (sets everything up first)
#   make test     run every test: data, configuration, strict nbval, -W build, browser,
#                 then the chapters again as on a foreign machine (make portability)
#   make portability  strict nbval of every chapter on a simulated foreign CPU
#   make refresh  re-execute every notebook in place to refresh its stored outputs
#   make translations  update the Korean catalogues in locales/ from the English
#                 text, and list what needs translating
#   make lib      regenerate lossbook's modules from the chapters' export cells,
#                 and the chapters' first cell (BOOK_REPOSITORY=owner/name pins it)
#   make test-binder  install binder/ into a fresh environment and run a chapter
#                 there (minutes; 2 GB from the package indexes)
#   make serve    build, then serve the site on http://127.0.0.1:8000
#   make lock     re-resolve requirements.txt from requirements.in (needs PyPI)
#   make bench    the benchmark: the book's recipes against the post's (~17 min on
#                 2 CPU cores); writes bench/results/<machine>.json and .png
#   make sweep    the recipes' peak learning rates, chosen on the validation set
#                 (~7 min); writes bench/results/<machine>-sweep.json
# Each target creates .venv and syncs it to the lock, requirements.txt, when needed.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

# The chapters run in the environment of lossbook/environment.py (hash seed,
# OpenMP waiting, malloc settings): tests/conftest.py, scripts/
# execute_notebooks.py and bench/run.py each apply it, so it has one source.

# A foreign machine, simulated on this one: PyTorch's AVX2 kernels instead of
# AVX-512 (ATen and oneDNN), as on a processor without AVX-512. That changes the
# last bits of a training run; the compared outputs must not change. (A thread
# count other than the chapters' two changes them too, and the compared outputs
# hold with one thread as well, but a run with one thread takes longer:
# `make portability FOREIGN="... LOSSBOOK_THREADS=1"` runs it.)
FOREIGN := ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2

.PHONY: book test test-binder portability refresh translations lib serve setup lock bench sweep clean

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python scripts/build_korean.py -W -n --keep-going
	@echo
	@echo "The book is built: file://$(CURDIR)/_build/html/index.html (English)"
	@echo "and file://$(CURDIR)/_build/html/ko/index.html (한국어)"
	@echo "To read it on http://127.0.0.1:$(PORT)/ run: make serve"

test: $(STAMP)
	$(BIN)/python -m pytest --durations=15
	$(MAKE) --no-print-directory portability

test-binder: $(STAMP)
	BOOK_TEST_BINDER=1 $(BIN)/python -m pytest -p no:randomly tests/test_binder.py

portability: $(STAMP)
	$(FOREIGN) $(BIN)/python -m pytest --durations=15 chapters

refresh: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

# The English text's messages, extracted (_build/gettext), merged into the
# Korean catalogues: a changed paragraph comes back fuzzy, a new one empty.
# The last line lists every message that needs a translator.
translations: $(STAMP)
	$(BIN)/jupyter-book build . --builder custom --custom-builder gettext
	$(BIN)/sphinx-intl update -p _build/gettext -l ko -d locales
	-$(BIN)/python scripts/check_translations.py

lib: $(STAMP)
	$(BIN)/python scripts/export_lib.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

sweep: $(STAMP)
	$(BIN)/python bench/run.py --sweep

serve: book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

setup: $(STAMP)

# Exactly the lock: every pin hash-checked, then pip-sync removes whatever the
# lock does not list (lossbook too), then lossbook goes back in, editable.
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found. The lock and the notebooks' stored outputs were made with Python 3.11, so the book uses it; torch 2.14.1 also has wheels for 3.12 and 3.13 (untested here: set PYTHON=...)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(BIN)/pip-sync requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Resolves every package with PyPI and hashes it, keeping the current pins
# wherever requirements.in still allows them, then derives binder's file.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" requirements.in -o requirements.txt
	$(BIN)/python scripts/lock.py

clean:
	rm -rf _build
