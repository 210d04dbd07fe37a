//go:build !local

package judges

// liveTests is false without -tags=local: judge calls replay from fixtures/.
const liveTests = false
