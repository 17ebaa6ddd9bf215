# make demo: set up, ingest + analyse + link the bundled demo corpus, list its stories, serve the UI.
# make test: set up (including a local PostgreSQL server), run every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SW := $(VENV)/bin/storyweave
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= demo.db
DEMO_PORT ?= 8000

.PHONY: install demo test test-fast eval bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The local CPU build of torch first: anything else would pull gigabytes of CUDA.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	# The static sentence model claim alignment encodes with: distilled once from the
	# installed MiniLM (no download), so no test or first run has to.
	$(PY) scripts/distill_static_model.py
	touch $(STAMP)

demo: install
	$(SW) ingest --db $(DEMO_DB) src/storyweave/data/demo/news-events-demo.jsonl.gz
	$(SW) stories --db $(DEMO_DB) --limit 25
	@echo "Serving the UI on http://127.0.0.1:$(DEMO_PORT)/ (Ctrl-C to stop)"
	$(SW) serve --db $(DEMO_DB) --port $(DEMO_PORT)

# STORYWEAVE_TEST_PG_URL names an admin URL of a PostgreSQL server; without it,
# scripts/postgres.sh installs (as root) and starts one on 127.0.0.1. The browser tests
# drive Debian's Chromium: scripts/chromium.sh installs it (as root) when it is missing.
test: install
	scripts/chromium.sh ensure
	STORYWEAVE_TEST_PG_URL="$${STORYWEAVE_TEST_PG_URL:-$$(scripts/postgres.sh ensure)}" \
		$(PY) -m pytest -n 2 --dist loadfile -q

test-fast: install
	$(PY) -m pytest -n 2 -q -m "not evaldata and not postgres"

eval: install
	$(SW) eval extraction

bench: install
	$(SW) bench ingest

# Re-pin every dependency after changing pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/storyweave-lock-venv
	/tmp/storyweave-lock-venv/bin/pip install --quiet torch==2.13.0
	/tmp/storyweave-lock-venv/bin/pip install --quiet -e ".[test,ray,postgres]"
	/tmp/storyweave-lock-venv/bin/pip freeze --exclude-editable | grep -v '^storyweave' > requirements.lock
	rm -rf /tmp/storyweave-lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info src/*.egg-info
