# Two commands for a fresh machine: `make run` and `make test`. Everything else is a helper.
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
UV_VERSION ?= 0.13.9
UV := $(PYTHON) -m uv
RUN := $(UV) run --locked --no-sync

.PHONY: messages install run serve-prod bench-load test test-fast lint format typecheck hooks browser bench clean

# Bootstrap uv with pip if missing, then install the locked environment into .venv.
install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install -q "uv==$(UV_VERSION)"
	@$(UV) sync --locked --quiet
	@command -v msgfmt >/dev/null 2>&1 || { \
		echo "Installing gettext (msgfmt) to compile the translations..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	@$(RUN) python manage.py compilemessages --ignore=.venv -v 0

# The French and Japanese catalogues brought up to date with the code (then translate
# every new or fuzzy entry in locale/*/LC_MESSAGES/django.po; tests/test_translations.py
# fails until none is left). They are compiled by `make install`.
messages: install
	$(RUN) python manage.py makemessages -l fr -l ja --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --ignore=docs

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-liberation >/dev/null; }

# Static files as in production: hashed, gzip-compressed, cached (plotly.js is 4.8 MB).
run: install
	$(RUN) python manage.py migrate --noinput
	$(RUN) python manage.py seed
	@$(MAKE) --no-print-directory staticfiles/staticfiles.json
	DJANGO_STATIC_MANIFEST=true $(RUN) python manage.py runserver $(HOST):$(PORT)

# Collected again only when the locked packages or our own static files change (the
# gzip and brotli compression of plotly.js and the API docs takes about a minute).
STATIC_SOURCES := $(shell find instruments/static -type f 2>/dev/null)
staticfiles/staticfiles.json: uv.lock $(STATIC_SOURCES)
	DJANGO_STATIC_MANIFEST=true $(RUN) python manage.py collectstatic --noinput -v 0 \
		-i widgetbundle.js -i datasets -i templates

# The production stack on this machine: gunicorn (2 workers), a Celery worker,
# PostgreSQL and Redis, DEBUG off (bench/stack.py; DATABASE_URL and REDIS_URL override).
serve-prod: install
	$(RUN) python bench/stack.py --seed

# The load test against it (bench/load.py starts and stops the stack itself);
# e.g. LOAD_ARGS="--repeat 3 --paired --seconds 15" (the README's table).
LOAD_ARGS ?=
bench-load: install
	$(RUN) python bench/load.py $(LOAD_ARGS)

# Two workers: the suite is mostly CPU-bound and the machines have two cores; whole
# files per worker, so that a module-scoped seeded database never leaks into another
# module's tests.
PYTEST_WORKERS ?= 2

test: install browser
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile

test-fast: install
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not e2e" -x -q

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# Run ruff and mypy before every commit (.pre-commit-config.yaml, local hooks).
hooks: install
	$(RUN) pre-commit install

typecheck: install
	$(RUN) mypy instruments webapp tests

bench: install
	$(RUN) python bench/bench_calculators.py

clean:
	rm -rf .venv db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
