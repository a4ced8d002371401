package events

import (
	"errors"
	"fmt"
	"strings"
)

// Codes of the errors a command is rejected with. The API maps each code to
// one HTTP status in one table; the mapping lives there, not here, so that
// this package stays free of HTTP.
const (
	// CodeInvalid means a value of the command is not acceptable, whatever the
	// state: a score off its scale, an empty name, an unknown enumeration
	// word. Fields says which values and why (HTTP 422).
	CodeInvalid = "invalid"
	// CodeNotFound means the command names an entity that does not exist
	// (HTTP 404).
	CodeNotFound = "not_found"
	// CodeRuleForbids means a rule forbids the command in the current state:
	// voting on a decided initiative, joining a disbanded crew (HTTP 409).
	// Whether the caller's role may send the command at all is the API's to
	// decide (its 403), not a code of this package.
	CodeRuleForbids = "rule_forbids"
	// CodeStale means the command was sent on the condition that its
	// aggregate was still at a version (IfVersion), and it is not: someone
	// changed it since the sender read it (HTTP 412).
	CodeStale = "stale"
)

// Error is a command's rejection. Its Message and Fields are written for the
// person who sent the command and are safe to show; nothing internal goes in
// them.
type Error struct {
	Code    string
	Message string
	// Fields lists, for CodeInvalid, each offending field and what is wrong
	// with it, in the order the fields were checked.
	Fields []FieldError
	// id is, for CodeNotFound, the id of the entity not found, so that the
	// Engine can tell one whose only events are quarantined.
	id string
}

// FieldError is one invalid value: the snake_case name of the field, as
// clients spell it, and a message about it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Message
	}
	return e.Code + ": " + e.Message + ": " + strings.Join(parts, "; ")
}

// ErrorCode is the code of the *Error in err's chain, or "" when err is not a
// rejection (an infrastructure failure, which is never shown as is).
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ruleForbids rejects a command that a rule forbids in the current state.
func ruleForbids(format string, args ...any) *Error {
	return &Error{Code: CodeRuleForbids, Message: fmt.Sprintf(format, args...)}
}

// notFound rejects a command that names an entity that does not exist; what
// is the entity's name in the business's words.
func notFound(what, id string) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf("%s %q does not exist", what, id), id: id}
}

// invalidField rejects a command for a single bad value.
func invalidField(field, message string) *Error {
	return &Error{Code: CodeInvalid, Message: "the command has invalid values", Fields: []FieldError{{field, message}}}
}
