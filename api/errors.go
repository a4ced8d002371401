package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"cxtracker/events"
	"cxtracker/projections"
)

// statusOf maps a rejected command's code to its HTTP status: the one table
// of it.
var statusOf = map[string]int{
	events.CodeInvalid:     http.StatusUnprocessableEntity,
	events.CodeNotFound:    http.StatusNotFound,
	events.CodeRuleForbids: http.StatusConflict,
	events.CodeStale:       http.StatusPreconditionFailed,
	// The aggregate's history holds a quarantined record: the state is
	// in conflict with the log until it is repaired.
	events.CodeQuarantined: http.StatusConflict,
}

// problemOf turns what a handler returned into the problem to answer, and
// whether it is an internal failure whose text must not be shown.
func problemOf(err error) (*Problem, bool) {
	var (
		p        *Problem
		rejected *events.Error
		conflict *events.ConflictError
		tooBig   *http.MaxBytesError
		corrupt  *events.CorruptError
		gap      *events.GapError
	)
	switch {
	case errors.As(err, &p):
		return p, false
	case errors.As(err, &rejected):
		status, ok := statusOf[rejected.Code]
		if !ok {
			return nil, true
		}
		p := &Problem{Status: status, Title: http.StatusText(status), Detail: rejected.Message}
		for _, f := range rejected.Fields {
			p.Errors = append(p.Errors, FieldError{Field: f.Field, Message: f.Message})
		}
		return p, false
	case errors.As(err, &conflict):
		return &Problem{Status: http.StatusConflict, Title: "Concurrent change",
			Detail: "the entity kept changing while the command was decided; try again"}, false
	case errors.As(err, &corrupt):
		return quarantinedRead(fmt.Sprintf("seq %d (%s) cannot be applied: %s", corrupt.Seq, corrupt.Subject, oneLine(corrupt.Err))), false
	case errors.As(err, &gap):
		return quarantinedRead(fmt.Sprintf("seq %d cannot be read", gap.After+1)), false
	case errors.Is(err, events.ErrMissing):
		return quarantinedRead(oneLine(err)), false
	case errors.As(err, &tooBig):
		return tooLarge(tooBig.Limit), false
	case errors.Is(err, os.ErrDeadlineExceeded):
		return bodyTooSlow(), false
	case errors.Is(err, events.ErrInsufficientStorage):
		return &Problem{Status: http.StatusInsufficientStorage, Title: "Insufficient storage",
			Detail: "the event log's disk is full: nothing was written, and writes are refused until space is freed; reads go on"}, false
	case errors.Is(err, events.ErrInvalid):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "Unprocessable content",
			Detail: "the request makes an event the log cannot store as it is (too large, most likely)"}, false
	case errors.Is(err, events.ErrUnavailable), errors.Is(err, projections.ErrStopped),
		errors.Is(err, context.DeadlineExceeded):
		return unavailable("the event log did not answer in time; the request may be retried safely"), false
	}
	return nil, true
}

// quarantinedRead is the 409 of a read that needs a record of the log that
// is quarantined: a view rebuilt through it would be wrong, not late.
func quarantinedRead(detail string) *Problem {
	return &Problem{Status: http.StatusConflict, Title: "Quarantined record",
		Detail: "the answer needs a record of the log that is quarantined (see GET /v1/audit/quarantine): " + detail}
}

func unavailable(detail string) *Problem {
	return &Problem{Status: http.StatusServiceUnavailable, Title: "Service unavailable", Detail: detail, retryAfter: "1"}
}

func tooLarge(limit int64) *Problem {
	return &Problem{Status: http.StatusRequestEntityTooLarge, Title: "Request body too large", Detail: fmt.Sprintf("the body may hold at most %d bytes", limit)}
}

// bodyTooSlow is the 408 of a body that did not arrive within the request
// timeout (bodyDeadline in limits.go); the connection is closed after it.
func bodyTooSlow() *Problem {
	return &Problem{Status: http.StatusRequestTimeout, Title: "Request timeout",
		Detail: "the request body did not arrive within the request timeout; send it whole, at once"}
}

// badRequest is a 400 with a detail safe to show.
func badRequest(format string, args ...any) *Problem {
	return &Problem{Status: http.StatusBadRequest, Title: "Bad request", Detail: fmt.Sprintf(format, args...)}
}

// invalid is a 422 for field errors found by the API itself.
func invalid(errs ...FieldError) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Title: "Unprocessable content", Detail: "the request has invalid values", Errors: errs}
}

// notFound is a 404 for an unknown id on a read.
func notFound(what, id string) *Problem {
	return &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: fmt.Sprintf("%s %q does not exist", what, id)}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
