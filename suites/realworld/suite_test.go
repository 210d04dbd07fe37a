package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/judges"
)

// Every task's answers are judged by the panel after its checks (see package judges).
func init() { harness.AfterEach(judges.Assert) }

// TestSuite validates every task in this package; see harness.CheckSuite.
func TestSuite(t *testing.T) { harness.CheckSuite(t) }
