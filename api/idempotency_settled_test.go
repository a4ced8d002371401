package api

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"cxtracker/events"
)

// A retry gets the first answer again only when that answer was the
// request's outcome; one that says to try again lets the retry run.
func TestOnlySettledAnswersAreKeptForRetries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		kept   bool
	}{
		{"a success", nil, http.StatusCreated, true},
		{"a refusal by the rules", &events.Error{Code: events.CodeInvalid, Message: "bad"}, 0, true},
		{"an unknown entity", &events.Error{Code: events.CodeNotFound, Message: "none"}, 0, true},
		{"a stale If-Match", &Problem{Status: http.StatusPreconditionFailed}, 0, true},
		{"a malformed body", badRequest("not JSON"), 0, true},
		{"a concurrent change", &events.ConflictError{}, 0, false},
		{"a log that did not answer", fmt.Errorf("append: %w", events.ErrUnavailable), 0, false},
		{"a full disk", events.ErrInsufficientStorage, 0, false},
		{"a body too slow", bodyTooSlow(), 0, false},
		{"a rate limit", &Problem{Status: http.StatusTooManyRequests}, 0, false},
		{"an internal failure", errors.New("boom"), 0, false},
	} {
		if got := settledAnswer(tc.err, tc.status); got != tc.kept {
			t.Errorf("%s: kept %v, want %v", tc.name, got, tc.kept)
		}
	}
}
