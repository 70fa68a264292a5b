//go:build tools

// Package tools pins Regal, the Rego linter `make lint-rego` runs: go.mod and go.sum fix its
// version and every dependency's, so `make regal` builds the same binary everywhere.
package tools

import _ "github.com/open-policy-agent/regal"
