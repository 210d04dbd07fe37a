package harness

import (
	"context"
	"errors"
)

// oracleBackend answers every task with its reference answer. It makes no network call
// and measures nothing: it is the ceiling the checks are calibrated against, and the
// model the offline main job runs.
type oracleBackend struct{}

// NewOracle returns the oracle backend.
func NewOracle() Backend { return oracleBackend{} }

func (oracleBackend) Spec() Spec {
	return Spec{Raw: KindOracle, Kind: KindOracle, Model: "reference-answer"}
}

func (oracleBackend) Chat(_ context.Context, req Request) (Response, error) {
	if req.Reference == "" {
		return Response{Attempts: 1}, errors.New("oracle: the task has no reference answer")
	}
	return Response{Answer: req.Reference, FinishReason: "stop", Attempts: 1, ModelDigest: "reference-answer"}, nil
}
