# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test install install-browser lint format bench-matching bench-scorecard

run: install  ## Install, migrate, load demo data, run web + worker + beat
	.venv/bin/python manage.py run_app

test: install-browser  ## Install everything and run the whole test suite
	.venv/bin/python -m pytest

install:
	scripts/install

install-browser:
	scripts/install --browser

lint: install  ## ruff lint and format check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench-matching: install  ## Time person matching with many people on record (PEOPLE=…)
	.venv/bin/python bench/matching.py

bench-scorecard: install  ## Time the scorecard at county scale (CONTACTS_PER_MONTH=…)
	.venv/bin/python bench/scorecard.py
