# The two commands of the README, and their helpers.
#   make book     build the HTML site into _build/html, English, and its Korean
#                 edition into _build/html/ko, then the PDF editions into
#                 _build/pdf and the site's pdf/ (sets everything up first)
#   make pdf      the PDF editions only, English and Korean
#   make test     run every test, as CI does (about 11½ minutes on 2 cores after
#                 make book, whose site and PDFs it reads while they are current,
#                 about a fifth more when a shared machine is busy; about two
#                 more when it builds them itself)
#
#   make check    before each commit (about 2 minutes): lint, the quick tests,
#                 the -W -n build of both editions; a lagging translation is
#                 reported, not failed
#   make chapter N=06   one chapter's strict nbval, natively and as a foreign CPU
#   make lab      JupyterLab on the chapters, to edit them
#   make refresh  re-execute every notebook in place to refresh its stored outputs
#                 (N=06 for one chapter)
#   make lib      regenerate lossbook's modules from the chapters' export cells
#   make translations  update the Korean catalogues in locales/ from the English
#                 text, and list what needs translating, by page
#   make portability  strict nbval of every chapter on a simulated foreign CPU
#   make test-binder  install binder/ into a fresh environment and run a chapter
#                 there (minutes; 2 GB from the package indexes)
#   make serve    build, then serve the site on http://127.0.0.1:8000
#   make lock     re-resolve requirements.txt from requirements.in (needs PyPI)
#   make bench    the benchmark: the book's recipes against the post's (~13 min on
#                 2 CPU cores); writes bench/results/<machine>.json and .png
#   make sweep    the recipes' peak learning rates, chosen on the validation set
#                 (~7 min); writes bench/results/<machine>-sweep.json
# Each target creates .venv and syncs it to the lock, requirements.txt, when needed.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000
PYTEST := $(BIN)/python -m pytest

# The chapters run in the environment of lossbook/environment.py (hash seed,
# OpenMP waiting, malloc settings): tests/conftest.py, scripts/
# execute_notebooks.py and bench/run.py each apply it, so it has one source.

# A foreign machine, simulated on this one: PyTorch's kernels for an instruction
# set below this processor's, and one thread instead of the chapters' two. On a
# processor with AVX-512, its AVX2 kernels (ATen and oneDNN), as on one without;
# on any other, ATen's portable kernels (slower, but different from the native
# ones on every machine). Both change the last bits of a training run; the
# compared outputs must not change.
AVX512 := $(shell grep -s -m1 -o -w avx512f /proc/cpuinfo)
FOREIGN := $(if $(AVX512),ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2,ATEN_CPU_CAPABILITY=default) \
	LOSSBOOK_THREADS=1

.PHONY: book pdf check chapter test lint test-native test-foreign test-rest test-binder \
	portability refresh translations lib lab serve setup lock bench sweep clean

book: $(STAMP)
	$(BIN)/python -m scripts.build
	$(BIN)/python -m scripts.pdf
	@echo "To read it on http://127.0.0.1:$(PORT)/ run: make serve"

# The PDF editions, English and Korean, into _build/pdf/ (TeX Live: see scripts/pdf.py).
pdf: $(STAMP)
	$(BIN)/python -m scripts.pdf

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --persona pedantic --no-progress --quiet .github/workflows

check: lint
	BOOK_TRANSLATION_LAG=report $(PYTEST) -m "not notebook and not browser and not slow and not pdf"

chapter: $(STAMP)
	@test -n "$(N)" || { echo "Say which chapter: make chapter N=06"; exit 1; }
	$(PYTEST) chapters/$(N)_*.ipynb
	$(FOREIGN) $(PYTEST) chapters/$(N)_*.ipynb

# Everything, in three processes side by side: the chapters natively, the
# chapters as a foreign CPU, and every other test (the site, both editions,
# in Chromium). Each prints its report when it ends. Both chapter passes run
# with one thread: two-thread trainings side by side on two cores spend most
# of their time waiting for a thread that the other process has descheduled
# (CNN training took 6 times as long). The stored outputs come from two
# threads (make refresh), so every compared output is shown to hold at another
# thread count as well; make chapter runs the native pass with two.
test: lint
	$(MAKE) --no-print-directory -j3 --output-sync=target test-native test-foreign test-rest

test-native: $(STAMP)
	LOSSBOOK_THREADS=1 $(PYTEST) --durations=5 chapters

test-foreign portability: $(STAMP)
	$(FOREIGN) $(PYTEST) --durations=5 chapters

test-rest: $(STAMP)
	$(PYTEST) --durations=10 -m "not notebook"

test-binder: $(STAMP)
	BOOK_TEST_BINDER=1 $(PYTEST) tests/test_binder.py

refresh: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(if $(N),chapters/$(N)_*.ipynb)

# The English text's messages, extracted (into _build/messages, whose Sphinx
# environment is the gettext builder's own), merged into the Korean
# catalogues: a changed paragraph comes back fuzzy, a new one empty. The last
# lines list, by page, every message that needs a translator.
translations: $(STAMP)
	$(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output _build/messages
	$(BIN)/sphinx-intl update -p _build/messages/_build/gettext -l ko -d locales
	$(BIN)/python scripts/check_translations.py

lib: $(STAMP)
	$(BIN)/python scripts/export_lib.py

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python bench/run.py

sweep: $(STAMP)
	$(BIN)/python bench/run.py --sweep

serve: book
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

setup: $(STAMP)

# Exactly the lock, with uv: a new .venv gets uv from pip (hash-checked, the
# lock's version), then `uv pip sync` installs every pin hash-checked and
# removes whatever the lock does not list (lossbook too), and lossbook goes
# back in, editable. The packages are compiled to bytecode as they install:
# where PYTHONDONTWRITEBYTECODE is set (as on these machines), Python never
# writes it, and every kernel and tool would compile torch again on import
# (6 s instead of 2.5 for torch and matplotlib).
$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found. The lock and the notebooks' stored outputs were made with Python 3.11, so the book uses it; torch 2.14.1 also has wheels for 3.12 and 3.13 (untested here: set PYTHON=...)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || { $(PYTHON) scripts/lock.py --requirement uv > $(VENV)/uv.txt && \
		$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.txt; }
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes --compile-bytecode requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Resolves every package with PyPI and hashes it, keeping the current pins
# wherever requirements.in still allows them, then derives binder's file.
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" requirements.in -o requirements.txt
	$(BIN)/python scripts/lock.py

clean:
	rm -rf _build
