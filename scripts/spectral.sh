#!/usr/bin/env bash
# Lints the OpenAPI document with Spectral's OWASP ruleset, at pinned
# versions, for a human to run (CI holds the core of the rules without Node
# in TestOpenAPIDocumentBoundsEveryValue). Needs Go and npx; exits non-zero
# when Spectral reports an error. The exceptions and their reasons are in
# api/testdata/spectral/.
set -euo pipefail
cd "$(dirname "$0")/.."
SPECTRAL_CLI=6.16.3
OWASP_RULESET=2.0.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
OPENAPI_OUT="$work/openapi.json" go test -count=1 -run '^TestOpenAPIDocumentBoundsEveryValue$' ./api >/dev/null
cp api/testdata/spectral/.spectral.json "$work/"
cd "$work"
npm install --silent --no-audit --no-fund --prefix "$work" \
	"@stoplight/spectral-cli@$SPECTRAL_CLI" "@stoplight/spectral-owasp-ruleset@$OWASP_RULESET" >/dev/null
npx --prefix "$work" spectral lint --ruleset .spectral.json --fail-severity error openapi.json
