# blockgate: set-up, policy bundle, tests, demo.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

OPA_VERSION := 1.22.3
TOOLS := $(CURDIR)/.tools
OPA := $(TOOLS)/bin/opa
REGAL_VERSION := 0.42.0
REGAL := $(TOOLS)/bin/regal
ENTRYPOINTS := -e blockgate/decision -e blockgate/plan -e blockgate/lint -e blockgate/breakpoints
POLICY_SOURCES = $(shell find policies -name '*.rego' ! -name '*_test.rego' | LC_ALL=C sort)
NODE_DEPS := node_modules/.package-lock.json
TEST_DEPS := node_modules/.blockgate-test-deps

.PHONY: setup build opa regal lint-rego bundle check-bundle example-bundle check-example-bundle test test-deps test-setup test-rego test-node typecheck demo soak bench fuzz clean

## setup: install what running blockgate needs and build the host: the runtime dependencies and
## the build workspace tools/build (TypeScript and the type declarations), not the test-only
## devDependencies (`npm ci --omit=dev`; one lock file for both).
setup: $(NODE_DEPS) build

$(NODE_DEPS): package.json package-lock.json tools/build/package.json
	npm ci --omit=dev --no-audit --no-fund
	@touch $@

## test-deps: the test-only devDependencies as well (vitest, fast-check, playwright-core,
## autocannon, the SARIF multitool, the opa npm package): the same lock file, all of it.
## npm ci starts from an empty node_modules, which also removes this stamp whenever setup reinstalls.
test-deps: $(TEST_DEPS)
$(TEST_DEPS): $(NODE_DEPS)
	npm ci --include=dev --no-audit --no-fund
	@touch $(NODE_DEPS) $@

build: $(NODE_DEPS)
	npx tsc -p tsconfig.build.json
	node tools/build/bundle-cli.mjs

## opa: the pinned OPA CLI, built from the Go module proxy into .tools/ (git-ignored).
opa: $(OPA)
$(OPA):
	@mkdir -p $(TOOLS)/bin
	GOBIN=$(TOOLS)/bin GOFLAGS=-mod=mod go install github.com/open-policy-agent/opa@v$(OPA_VERSION)
	@# Capture first: `opa version | grep -q` under pipefail fails when grep exits early and opa gets SIGPIPE.
	@version=$$($(OPA) version); case "$$version" in *"Version: $(OPA_VERSION)"*) ;; *) echo "opa is not v$(OPA_VERSION)"; exit 1;; esac

## regal: the pinned Regal linter for Rego, built from the Go module proxy into .tools/ like opa.
## tools/regal/go.mod and go.sum pin it and its dependencies: `go install regal@version` asks the
## proxy for Regal's version list (to look for deprecations), which the proxy here refuses.
regal: $(REGAL)
$(REGAL): tools/regal/go.mod tools/regal/go.sum
	@mkdir -p $(dir $(REGAL))
	cd tools/regal && GOFLAGS=-mod=mod go build -o $(REGAL) github.com/open-policy-agent/regal
	@# The module version the binary was built from (go install leaves no release version in `regal version`).
	@built=$$(go version -m $(REGAL)); case "$$built" in *"github.com/open-policy-agent/regal"*"v$(REGAL_VERSION)"*) ;; *) echo "regal is not v$(REGAL_VERSION)"; exit 1;; esac

## lint-rego: Regal's lint of policies/; rules turned off, each with its reason, in .regal/config.yaml.
lint-rego: $(REGAL)
	$(REGAL) lint --fail-level warning policies/

# The hash of the policy sources (tests excluded): each path and content, NUL-separated.
source_sha256 = $$(for f in $(POLICY_SOURCES); do printf '%s\0' "$$f"; cat "$$f"; printf '\0'; done | sha256sum | cut -d' ' -f1)

# The one build path: buildRules without rules (what `blockgate build` runs), into $(1).
build_bundle = OPA_BIN=$(OPA) OUT_DIR=$(1) node --input-type=module -e 'const { buildRules } = await import("./dist/rules/build.js"); \
  try { const r = await buildRules({ out: process.env.OUT_DIR, opa: process.env.OPA_BIN }); console.log(`sealed $${r.bundle} (revision $${r.seal.revision})`); } \
  catch (e) { console.error(e.message); process.exit(1); }'

## bundle: compile policies/ into bundles/ in OPA's bundle format (bundle.tar.gz) and write its seal (seal.json).
bundle: setup $(OPA)
	$(OPA) check --strict policies/
	@$(call build_bundle,bundles)
	@rm -f bundles/policy.wasm

## check-bundle: fail when bundles/ is stale against policies/ (sources changed, or the built
## files differ). The tarballs' contents are compared, not their bytes: tar and gzip headers are not the policy.
check-bundle: setup $(OPA)
	@src=$(source_sha256); sealed=$$(sed -n 's/.*"source_sha256": "\([0-9a-f]*\)".*/\1/p' bundles/seal.json); \
	if [ "$$src" != "$$sealed" ]; then echo "bundles/ is stale: policies/ changed since the bundle was sealed; run 'make bundle' and commit bundles/"; exit 1; fi
	@rm -rf .out/check && mkdir -p .out/check/fresh .out/check/shipped
	@$(call build_bundle,.out/check/out) >/dev/null
	@tar -xzf .out/check/out/bundle.tar.gz -C .out/check/fresh 2>&1 | { grep -v 'Removing leading' || true; }
	@tar -xzf bundles/bundle.tar.gz -C .out/check/shipped 2>&1 | { grep -v 'Removing leading' || true; }
	@if ! cmp -s .out/check/fresh/policy.wasm .out/check/shipped/policy.wasm; then echo "the policy.wasm in bundles/bundle.tar.gz differs from a fresh build of policies/; run 'make bundle' and commit bundles/"; exit 1; fi
	@if ! diff -r .out/check/fresh .out/check/shipped >/dev/null; then echo "bundles/bundle.tar.gz holds other files than a fresh build of policies/ (manifest, data or sources); run 'make bundle' and commit bundles/"; exit 1; fi
	@sum=$$(sha256sum bundles/bundle.tar.gz | cut -d' ' -f1); grep -q "\"sha256\": \"$$sum\"" bundles/seal.json || { echo "bundles/seal.json does not match bundles/bundle.tar.gz; run 'make bundle'"; exit 1; }
	@if [ -e bundles/policy.wasm ]; then echo "bundles/policy.wasm is left from the old format; run 'make bundle'"; exit 1; fi
	@echo "bundles/ is up to date with policies/"

test-rego: $(OPA)
	$(OPA) check --strict policies/
	@$(OPA) fmt --list --fail policies/ || { echo "policies/ is not opa-fmt clean: run '$(OPA) fmt -w policies/'"; exit 1; }
	@mkdir -p .out
	$(OPA) test policies/ --fail-on-empty --timeout 30m --format json > .out/opa-test.json || { $(OPA) test policies/ --fail-on-empty --timeout 30m; exit 1; }
	@node -e 'const r=JSON.parse(require("fs").readFileSync(".out/opa-test.json","utf8"));const f=r.filter(t=>t.fail||t.error).length;console.log(`opa test: $${r.length-f} passed, $${f} failed`);process.exit(f?1:0)'

## typecheck: src/ and the tests (tsconfig.json); the build (tsconfig.build.json) compiles src/ alone.
typecheck: $(TEST_DEPS)
	npx tsc -p tsconfig.json --noEmit

## test-setup: Debian's Chromium for the browser test (no browser download; needs root, as CI has).
test-setup:
	bash test/browser/install-chromium.sh

test-node: setup test-deps test-setup
	@mkdir -p .out
	npx vitest run --reporter=default --reporter=json --outputFile.json=.out/vitest.json

## test: everything CI runs; the last line sums up every test run.
test: check-bundle check-example-bundle test-rego lint-rego typecheck test-node
	@node -e 'const fs=require("fs");const o=JSON.parse(fs.readFileSync(".out/opa-test.json","utf8"));const v=JSON.parse(fs.readFileSync(".out/vitest.json","utf8"));const of=o.filter(t=>t.fail||t.error).length;const p=o.length-of+v.numPassedTests;const f=of+v.numFailedTests;console.log(`tests: $${p} passed, $${f} failed`)'

## soak: the long durability runs (200 appends killed at random moments).
soak: setup test-deps
	BLOCKGATE_SOAK_RUNS=200 npx vitest run test/durability

## bench: blockgate vs OPA on the same Rego and data (README "Performance"): prints a table and
## writes bench/results.json; generated worlds go to .out/bench/. BENCH_FLAGS=--quick: a short run.
bench: setup test-deps opa
	node bench/run.mjs $(BENCH_FLAGS)

## fuzz: the differential test (bundle vs opa eval vs a SPEC model) for longer: FUZZ_SECONDS
## (default 600) or FUZZ_WORLDS=N. Failing worlds are saved under test/differential/counterexamples/,
## which `make test` replays.
fuzz: setup test-deps $(OPA)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} FUZZ_WORLDS=$${FUZZ_WORLDS:-0} npx vitest run test/differential/differential.test.ts

## demo: the main job, on the shipped FIX7 example; then a request the blocker map alone allows,
## denied by an example rule (the change freeze) with the committed example bundle (no opa needed).
demo: setup
	@bash fixtures/demo.sh

EXAMPLE_BUNDLE := examples/rules/bundle

## example-bundle: the four example rules (examples/rules/) built with blockgate's policy into
## examples/rules/bundle/, committed like bundles/ so that `make demo` needs no opa. Rebuild and
## commit it whenever policies/ or examples/rules/ change (check-example-bundle says when).
example-bundle: setup $(OPA)
	bin/blockgate build --rules examples/rules --out $(EXAMPLE_BUNDLE) --opa $(OPA)

## check-example-bundle: fail when examples/rules/bundle/ is stale: a fresh build's tarball
## contents and seal (all but its sha256, which covers tar and gzip headers) must be the committed ones.
check-example-bundle: setup $(OPA)
	@rm -rf .out/check-examples && mkdir -p .out/check-examples/fresh .out/check-examples/shipped
	@bin/blockgate build --rules examples/rules --out .out/check-examples/out --opa $(OPA) >/dev/null
	@tar -xzf .out/check-examples/out/bundle.tar.gz -C .out/check-examples/fresh 2>&1 | { grep -v 'Removing leading' || true; }
	@tar -xzf $(EXAMPLE_BUNDLE)/bundle.tar.gz -C .out/check-examples/shipped 2>&1 | { grep -v 'Removing leading' || true; }
	@if ! diff -r .out/check-examples/fresh .out/check-examples/shipped >/dev/null; then echo "$(EXAMPLE_BUNDLE)/bundle.tar.gz differs from a fresh build of policies/ and examples/rules/; run 'make example-bundle' and commit $(EXAMPLE_BUNDLE)/"; exit 1; fi
	@if ! diff <(grep -v '"sha256"' .out/check-examples/out/seal.json) <(grep -v '"sha256"' $(EXAMPLE_BUNDLE)/seal.json) >/dev/null; then echo "$(EXAMPLE_BUNDLE)/seal.json differs from a fresh build's; run 'make example-bundle' and commit $(EXAMPLE_BUNDLE)/"; exit 1; fi
	@sum=$$(sha256sum $(EXAMPLE_BUNDLE)/bundle.tar.gz | cut -d' ' -f1); grep -q "\"sha256\": \"$$sum\"" $(EXAMPLE_BUNDLE)/seal.json || { echo "$(EXAMPLE_BUNDLE)/seal.json does not match its bundle.tar.gz; run 'make example-bundle'"; exit 1; }
	@echo "$(EXAMPLE_BUNDLE)/ is up to date with policies/ and examples/rules/"

clean:
	rm -rf dist .out
