# kubeharden: `make up` renders the hardened dev stack, `make test` runs every test.
# Both set up what they need on a fresh machine (the toolchain is built once into TOOLS_DIR).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c

TOOLS_DIR ?= $(HOME)/.cache/kubeharden/tools
STATE_DIR ?= $(CURDIR)/.pulumi-state
STACK ?= dev

export KUBEHARDEN_TOOLS_DIR := $(TOOLS_DIR)
export PATH := $(TOOLS_DIR)/bin:$(PATH)
export PULUMI_BACKEND_URL ?= file://$(STATE_DIR)
# The development passphrase. It protects nothing secret in the dev stack; set your own for real stacks.
export PULUMI_CONFIG_PASSPHRASE ?= kubeharden-dev
export PULUMI_SKIP_UPDATE_CHECK := true

GO_TEST_FLAGS ?= -timeout 45m

# The settings file `make up` made with the stack's generated secrets (scripts/up.sh), where there is one.
STACK_SETTINGS = $(if $(wildcard build/stacks/Pulumi.$(STACK).yaml),--config-file build/stacks/Pulumi.$(STACK).yaml)

.PHONY: tools tools-pulumi stack up preview destroy ci-preview drift provider sdk test test-unit test-versions vet fmt bench fuzz fuzz-brief mutate

tools: ## Build (once) the pinned Pulumi CLI, Go language host, kubernetes provider, kube-apiserver, kube-controller-manager and etcd.
	@bash tests/toolchain/tools.sh all >/dev/null

tools-pulumi: ## Build (once) only what `make up` needs.
	@bash tests/toolchain/tools.sh pulumi >/dev/null

stack: tools-pulumi
	@mkdir -p $(STATE_DIR)
	@pulumi stack select --create $(STACK) --non-interactive >/dev/null

up: stack ## Render the hardened dev stack into build/rendered/dev with `pulumi up`, then a summary (scripts/up.sh; SENSITIVE=1 also writes the key files).
	STACK=$(STACK) bash scripts/up.sh

preview: stack ## Show what `pulumi up` would change.
	PULUMI_SKIP_CHECKPOINTS=$${PULUMI_SKIP_CHECKPOINTS:-true} pulumi preview --diff --stack $(STACK) --non-interactive $(STACK_SETTINGS) # see scripts/ci-preview.sh

ci-preview: stack ## The gate of a change: preview --diff with the policy pack, kubeharden check, a summary (scripts/ci-preview.sh).
	STACK=$(STACK) bash scripts/ci-preview.sh

drift: stack ## Fail when the stack's objects in the cluster differ from its program (scripts/drift.sh).
	STACK=$(STACK) bash scripts/drift.sh

provider: ## Build the component provider into bin/ (the YAML, TypeScript and Python examples find it there).
	go build -o bin/pulumi-resource-kubeharden ./cmd/pulumi-resource-kubeharden

sdk: ## Generate the TypeScript and Python SDKs into sdk/ from the provider's schema.
	cd tools/sdkgen && go build -o ../../bin/sdkgen .
	bin/sdkgen -schema cmd/pulumi-resource-kubeharden/schema.json -out sdk

destroy: stack
	pulumi destroy --yes --stack $(STACK) --non-interactive $(STACK_SETTINGS)

test: tools vet ## Every test: unit, integration (real pulumi) and end to end, each fuzz target briefly, the generated SDKs.
	go test $(GO_TEST_FLAGS) ./...
	@$(MAKE) --no-print-directory fuzz-brief
	bash tests/sdk/check.sh

# The other minors of kubeharden's version window (config.SupportedKubernetesVersions): the oldest, and the
# one where AuthenticationConfiguration v1 arrives. 1.36 is what make test runs.
TEST_VERSIONS ?= 1.31.13 1.34.4

test-versions: tools ## The control-plane end-to-end tests on kube-apiserver of each TEST_VERSIONS (not part of make test; builds each once).
	for v in $(TEST_VERSIONS); do \
	  bin=$$(bash tests/toolchain/tools.sh version $$v | tail -n1); \
	  echo "[test-versions] Kubernetes $$v"; \
	  KUBEHARDEN_TEST_KUBERNETES_VERSION=$$v KUBEHARDEN_TEST_CONTROL_PLANE_BIN=$$bin \
	    go test -count=1 $(GO_TEST_FLAGS) -run '^TestControlPlane' ./tests/e2e/; \
	done

fuzz: ## Each fuzz target for FUZZTIME (default 10m).
	bash tests/fuzz.sh

fuzz-brief: ## Each fuzz target for 20 s, as make test runs them.
	FUZZTIME=20s bash tests/fuzz.sh

mutate: ## Mutation testing of the security core (gremlins): per package killed, survived, efficacy; survivors in build/mutate (tests/mutate/mutate.sh; not part of make test).
	bash tests/mutate/mutate.sh

test-unit: ## Only the fast tests: no pulumi, no control plane.
	go test -short ./...

vet:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	go vet ./...

bench: tools ## Figures: kubeharden check against kube-score v1.20 (real corpus, 10,000 generated objects); the Pulumi side (P0-P3, tests/bench/pulumi).
	bash tests/bench/bench.sh
