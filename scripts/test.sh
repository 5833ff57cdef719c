#!/usr/bin/env bash
# Runs the whole test suite: vet, every package's tests against the embedded
# Temporal server, then the server-backed packages again with the Go SDK's
# sticky workflow cache off, so every workflow task replays its run from
# history (determinism is proven, not assumed). The conformance package runs
# the TypeScript SDK 1.24 worker beside tsworker on Node.js 20, installing its
# npm packages (pinned by conformance/node/package-lock.json) into the user's
# cache on first use.
set -uo pipefail
cd "$(dirname "$0")/.."

# Print each test's result and everything a failing test says; drop the
# "=== RUN" noise.
run_tests() {
	go test -count=1 -v -timeout 30m "$@" 2>&1 | grep -v -E '^=== (RUN|PAUSE|CONT|NAME)'
	return "${PIPESTATUS[0]}"
}

echo "== go vet ./..."
go vet ./... || exit 1

echo "== the cli package links no Temporal server (only cli/dev does)"
if go list -deps ./cli | grep -q '^go.temporal.io/server'; then
	echo "FAIL: package cli depends on go.temporal.io/server"
	exit 1
fi

echo "== go test ./... (sticky cache on)"
run_tests ./... || { echo "FAIL: go test ./..."; exit 1; }

echo "== go test with the sticky cache off (TSWORKER_TEST_NO_STICKY=1)"
server_pkgs=$(go list ./... | grep -E '/(worker|examples-js|testsuite|cli|internal/crashtest|conformance)$')
TSWORKER_TEST_NO_STICKY=1 run_tests $server_pkgs || { echo "FAIL: go test with the sticky cache off"; exit 1; }

echo "== all tests passed"
