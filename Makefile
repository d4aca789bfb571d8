# ksyun.cloud — developer entry points. `make demo` and `make test` work from a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
COLL := .collections/ansible_collections/ksyun/cloud
JUNIT := tests/output/junit
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export ANSIBLE_NOCOLOR := 1

.PHONY: demo test unit integration sanity gates molecule proof proof-full bench bench-inventory matrix matrix-ci venv collection clean

demo: venv collection  ## the main job: the demo lifecycle (KCR, KCE, KCI, inventory, teardown) against the local emulator
	scripts/demo

test: venv collection  ## every test suite; ends with `N passed, N failed`
	scripts/test-all

unit: venv collection  ## unit tests (the emulator's emulator/tests; signer, client, module helpers): no network but loopback
	$(PY) -m pytest tests/unit emulator/tests -q -p no:cacheprovider -n 2 --junitxml=$(JUNIT)/unit.xml

integration: venv collection  ## each tests/integration/targets/<t> played against a fresh emulator
	$(PY) -m pytest tests/integration -q -p no:cacheprovider -n 2 --junitxml=$(JUNIT)/integration.xml

sanity: venv  ## ansible-test sanity on a real ansible_collections/ksyun/cloud copy, no ignore file
	scripts/sanity

gates: venv collection  ## ansible-lint, changelog lint, tarball build/install/run, ansible-doc, EE context, AWX via ansible-runner
	$(PY) -m pytest tests/gates -q -p no:cacheprovider -n 2 --junitxml=$(JUNIT)/gates.xml

matrix: collection  ## every ansible-core claimed (2.16-2.22), each on its Python: unit, sanity, inventory, smoke targets (scripts/matrix)
	scripts/matrix $(CELLS)

matrix-ci: collection  ## what make test runs besides the full suites on .venv (2.19): every other cell, sanity on the oldest and newest
	SANITY_CELLS="2.16 2.22" scripts/matrix 2.16 2.17 2.18 2.20 2.21 2.22

molecule: venv collection  ## the kce_cluster role's molecule scenario against a fresh emulator: converge, idempotence, verify, destroy
	scripts/molecule

proof: venv collection  ## the proof suites (tests/proof) in their reduced form, printing their figures
	KSYUN_PROOF=reduced $(PY) -m pytest tests/proof -q -p no:cacheprovider -n 2 --junitxml=$(JUNIT)/proof.xml

proof-full: venv collection  ## every proof suite in full (long)
	KSYUN_PROOF=full $(PY) -m pytest tests/proof -q -p no:cacheprovider -n 2

proof-%: venv collection  ## one proof suite in full: make proof-faults (tests/proof/test_faults.py)
	KSYUN_PROOF=full $(PY) -m pytest tests/proof/test_$*.py -q -p no:cacheprovider -n 2

bench: venv collection  ## every figure of the README's Performance section (not pass/fail; ~15 min)
	$(PY) bench/modules.py
	$(PY) bench/inventory.py
	$(PY) bench/run.py

bench-inventory: venv collection  ## the kce inventory plugin at 10,000 nodes: a table of figures (~3 min)
	$(PY) bench/inventory.py

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

collection:
	mkdir -p $(dir $(COLL))
	test -L $(COLL) || ln -s ../../.. $(COLL)

clean:
	rm -rf .collections tests/output .matrix
