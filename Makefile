# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test install install-browser lint format bench

run: install  ## Install, migrate, load demo data, run web + worker + beat
	.venv/bin/python manage.py run_app

test: install-browser  ## Install everything and run the whole test suite, two tests at a time
	.venv/bin/python -m pytest -n 2 --dist worksteal

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

bench: install  ## Benchmarks at 100,000 and 1,000,000 contacts (SIZES=…, REPEATS=…)
	.venv/bin/python bench/run.py
