package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"

	"cxtracker/events"
)

// parseImportLine reads one line as a LogFeedbackRequest, as strictly as
// bind reads a body, and makes it a command.
func parseImportLine(line []byte) (events.LogFeedback, []LineError) {
	var req LogFeedbackRequest
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	if err == nil && dec.More() {
		return events.LogFeedback{}, []LineError{{Message: "the line holds more than one JSON value"}}
	}
	var fields []FieldError
	if err != nil {
		var p *Problem
		if !errors.As(decodeProblem(err), &p) {
			return events.LogFeedback{}, []LineError{{Message: "the line is not valid JSON"}}
		}
		if len(p.Errors) == 0 {
			return events.LogFeedback{}, []LineError{{Message: p.Detail}}
		}
		fields = p.Errors
	} else if p := exactKeys(line, reflect.TypeOf(req)); p != nil {
		fields = p.Errors
	} else {
		var cmd events.LogFeedback
		if cmd, fields = req.command(); len(fields) == 0 {
			return cmd, nil
		}
	}
	out := make([]LineError, len(fields))
	for i, f := range fields {
		out[i] = LineError{Field: f.Field, Message: f.Message}
	}
	return events.LogFeedback{}, out
}

// lineErrors are a rejected line's errors; a touchpoint that does not exist
// or is retired is the touchpoint_id's fault.
func lineErrors(err error) []LineError {
	var e *events.Error
	if !errors.As(err, &e) {
		return []LineError{{Message: "could not be checked"}}
	}
	if len(e.Fields) == 0 {
		return []LineError{{Field: "touchpoint_id", Message: e.Message}}
	}
	out := make([]LineError, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = LineError{Field: f.Field, Message: f.Message}
	}
	return out
}
