# The two commands of the README: `make serve` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test build install clean benchmark bench translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, redone when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

install: $(VENV)/.installed

build: install
	$(BIN)/samenleven build

serve: build
	$(BIN)/samenleven serve --host $(HOST) --port $(PORT)

# nginx and wrk from Debian's packages, for the production set-up (README, "Deploying"): the tests run nginx in
# front of gunicorn, the load benchmark drives it with wrk. Installed only when missing, and only as root with
# apt-get; otherwise a note, and the tests of the proxy skip saying why. `make serve` needs neither.
APT_INSTALL = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	echo "installing $(1) from Debian's packages"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) \
	>/dev/null; else echo "note: $(1) is missing and can only be installed as root with apt-get"; fi

$(VENV)/.nginx: | $(BIN)/python
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(call APT_INSTALL,nginx); }
	@touch $@

$(VENV)/.wrk: | $(BIN)/python
	@command -v wrk >/dev/null 2>&1 || { $(call APT_INSTALL,wrk); }
	@touch $@

# The reference LDES client the tests replicate the change feed with (tests/test_feed_replication.py): Node and npm
# from Debian's packages when missing (as root with apt-get, as for nginx; otherwise those tests skip and say why),
# then the client at the versions of the committed lock file. --ignore-scripts: it needs no build step.
$(VENV)/.ldes-client: tests/ldes/package-lock.json | $(BIN)/python
	@command -v npm >/dev/null 2>&1 || { $(call APT_INSTALL,nodejs npm); }
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/ldes --ignore-scripts --no-audit --no-fund \
	--loglevel=error; fi
	@touch $@

# Chromium and its driver from Debian's packages, for the browser check (tests/test_browser.py, which drives them
# with Selenium): installed when missing, as root with apt-get, as nginx is; otherwise those tests skip, saying why.
# Never a browser or driver that a tool downloads: the tests give Selenium Debian's chromedriver by its path.
$(VENV)/.chromium: | $(BIN)/python
	@{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || { $(call APT_INSTALL,chromium chromium-driver); }
	@touch $@


# PostgreSQL from Debian's packages, for the tests of the proposals database on PostgreSQL (tests/_postgres.py
# starts a throwaway cluster of it): installed when missing, as root with apt-get, as for nginx; otherwise those
# tests skip and say why. The server needs it only when database_url names a database.
$(VENV)/.postgresql: | $(BIN)/python
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	{ $(call APT_INSTALL,postgresql); }
	@touch $@

# Virtuoso Open Source from Debian's packages, the second engine of the remote-store tests (tests/_virtuoso.py
# starts a throwaway instance): installed when missing, as root with apt-get, as for nginx; otherwise those tests
# skip and say why. Only the server and isql (virtuoso-opensource-7-bin): the full virtuoso-opensource package
# would also create a database, ask for its DBA password and start a system-wide service on ports 1111 and 8890.
$(VENV)/.virtuoso: | $(BIN)/python
	@{ command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; } || \
	{ $(call APT_INSTALL,virtuoso-opensource-7-bin); }
	@touch $@

# Debian's iproute2 (`ip`), for the deployment test (tests/test_deployment.py): two publisher servers, each in a
# network namespace of its own as a host of its own, behind nginx. Installed when missing, as root with apt-get, as
# nginx is; without it, or not as root, that test skips and says why.
$(VENV)/.iproute2: | $(BIN)/python
	@command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || { $(call APT_INSTALL,iproute2); }
	@touch $@

test: $(VENV)/.installed-test $(VENV)/.nginx $(VENV)/.ldes-client $(VENV)/.postgresql $(VENV)/.chromium \
	$(VENV)/.virtuoso $(VENV)/.iproute2
	$(BIN)/python -m pytest

# The gettext catalogues of the pages (README, "Translations"): extract every text of the templates and the code
# into var/messages.pot, then bring each language's catalogue in line: new texts added with an empty translation
# (to fill in English), texts gone removed. The server reads the .po files themselves: nothing to compile.
KEYWORDS := -k translate -k translate_plural:1,2 -k N_
translations: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/pybabel --quiet extract -F babel.cfg $(KEYWORDS) --no-location --sort-output --project samenleven \
		-o var/messages.pot .
	$(BIN)/pybabel --quiet update -i var/messages.pot -d publisher/translations --no-fuzzy-matching --ignore-obsolete \
		--ignore-pot-creation-date

# The load figures (benchmarks/README.md): minutes, not part of `make test`.
benchmark: build $(VENV)/.installed-test $(VENV)/.nginx $(VENV)/.wrk
	$(BIN)/python benchmarks/load.py

# The benchmark of every contender (benchmarks/README.md): generates and builds 10,000 practices unless BENCH names
# a build, e.g. `make bench BENCH="--build-dir /tmp/v10k --rounds 3"`. Tens of minutes; never part of `make test`.
BENCH ?=
bench: $(VENV)/.installed-bench $(VENV)/.nginx $(VENV)/.wrk
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) var tests/ldes/node_modules
