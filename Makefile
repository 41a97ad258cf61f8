# Two commands do all the set-up on a fresh machine:
#   make run    creates .venv if needed and opens gradviz on the logistic lesson
#   make test   creates .venv if needed and runs the whole test suite headless
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CPU build of torch (a small wheel). Any torch >= 2.1 works: `make TORCH=torch` takes PyPI's default.
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.gradviz-installed
SYSDEPS := xvfb xauth fonts-croscore fonts-dejavu-core fonts-wqy-microhei graphviz libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1

.PHONY: run test venv sysdeps bench lint clean screenshot i18n

# Qt's compiled catalogue, loaded with QTranslator by the window; remade whenever a .ts changes.
QM := resources/i18n/gradviz_zh_CN.qm
$(QM): resources/i18n/core_zh_CN.ts resources/i18n/qt_zh_CN.ts | $(STAMP)
	$(BIN)/pyside6-lrelease -silent $^ -qm $@

run: $(STAMP) $(QM)
	$(BIN)/gradviz lesson:logistic

# The suite runs on up to four processes at once (each with its own runner of run processes).
test: $(STAMP) $(QM)
	$(BIN)/ruff check gradviz tests bench examples
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --maxprocesses=4

lint: $(STAMP)
	$(BIN)/ruff check gradviz tests bench examples

venv: $(STAMP)

$(STAMP): pyproject.toml | sysdeps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install "$(TORCH)"
	$(BIN)/python -m pip install -e ".[test,bench]"
	touch $(STAMP)

# System packages: Xvfb for the real-window smoke test (and the libxcb parts Qt's xcb plugin
# loads, which the PySide6 wheel does not bundle), the Arimo/Cousine fonts whose metrics the
# layout engine uses, DejaVu and WenQuanYi Micro Hei for the symbols and Chinese that exported
# pictures fall back to (see gradviz/core/raster.py), and Graphviz's own dot for the torchviz comparison in bench/. Root installs
# them; anyone else is told the exact command.
sysdeps:
	@missing=""; for p in $(SYSDEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then echo "note: not a Debian system; install Xvfb, the Arimo font and Graphviz yourself for the full suite"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "missing system packages; run: sudo apt-get install -y$$missing"; fi

# The Chinese catalogue from the code: new strings come in unfinished (translate them in the
# .ts, by hand or with Qt Linguist), strings the code no longer shows go. tests/core/test_i18n.py
# fails until every string has its translation.
LUPDATE = $(BIN)/pyside6-lupdate -extensions py -no-obsolete -locations none -target-language zh_CN
i18n: $(STAMP)
	$(LUPDATE) $(filter-out gradviz/qt,$(wildcard gradviz/*)) -ts resources/i18n/core_zh_CN.ts
	$(LUPDATE) gradviz/qt -ts resources/i18n/qt_zh_CN.ts
	$(MAKE) $(QM)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/report.py

# The README's pictures, from a real window (on a virtual 1920x1080 screen when Xvfb is there).
XVFB := $(if $(shell command -v xvfb-run 2>/dev/null),xvfb-run -a -s "-screen 0 1920x1080x24",)
SHOOT = $(XVFB) $(BIN)/python -m gradviz.qt.screenshot
SHOTS := resources/screenshots

screenshot: $(STAMP) $(QM)
	$(SHOOT) lesson:logistic --step 17 -o $(SHOTS)/logistic.png
	$(SHOOT) lesson:logistic --step 16 --presentation --labels beginner --size 1920x1080 -o $(SHOTS)/presentation.png
	$(SHOOT) lesson:logistic --step 16 --presentation --labels beginner --size 1024x768 -o $(SHOTS)/presentation-1024x768.png
	$(SHOOT) lesson:mlp --step 15 --presentation --size 1024x768 -o $(SHOTS)/presentation-mlp-1024x768.png
	$(SHOOT) lesson:logistic --step 16 --presentation --quiz --labels beginner --size 1920x1080 -o $(SHOTS)/quiz.png
	$(SHOOT) lesson:deep-mlp --select "" --size 1920x1080 -o $(SHOTS)/health.png
	$(SHOOT) lesson:nan --select x --size 1400x900 -o $(SHOTS)/health-nan.png
	$(SHOOT) lesson:logistic --step 17 --language zh_CN -o $(SHOTS)/logistic-zh_CN.png
	$(SHOOT) lesson:logistic --step 16 --presentation --language zh_CN --size 1920x1080 -o $(SHOTS)/presentation-zh_CN.png

clean:
	rm -rf $(VENV) .pytest_cache
