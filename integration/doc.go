// Package integration drives lim's real suites against a real Ollama server on loopback
// (lim's tiny random-weight test model, see internal/devollama): live runs, resume after
// SIGKILL, faults injected in front of the server, and the harness-overhead benchmark.
//
//	go run ./cmd/ollama-dev install
//	go test -tags 'integration local' -count=1 ./integration/
package integration
