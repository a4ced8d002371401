package events

import (
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strings"

	"github.com/oklog/ulid/v2"
)

// checks gathers every invalid value of one command, so that a client learns
// about all of them at once rather than one per round trip.
type checks struct {
	fields []FieldError
}

func (c *checks) fail(field, format string, args ...any) {
	c.fields = append(c.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// id checks that v is a ULID, the form of every entity id: it also
// guarantees the id is usable as one subject token.
func (c *checks) id(field, v string) {
	if v == "" {
		c.fail(field, "is required")
		return
	}
	if _, err := ulid.ParseStrict(v); err != nil {
		c.fail(field, "is not a ULID")
	}
}

// optionalID checks v like id when it is set.
func (c *checks) optionalID(field, v string) {
	if v != "" {
		c.id(field, v)
	}
}

// ids checks a list of references: each a ULID, none twice.
func (c *checks) ids(field string, vs []string) {
	for i, v := range vs {
		c.id(fmt.Sprintf("%s[%d]", field, i), v)
		if slices.Index(vs, v) < i {
			c.fail(fmt.Sprintf("%s[%d]", field, i), "repeats %q", v)
		}
	}
}

// name checks a required free text (its kind named in text.go), which
// must hold a visible character.
func (c *checks) name(field, v string) {
	if strings.TrimSpace(v) == "" {
		c.fail(field, "is required")
		return
	}
	c.optionalText(field, v)
}

// text checks a required free text; it is name by another name, kept for
// the reader of a command's rules, where prose reads as text.
func (c *checks) text(field, v string) { c.name(field, v) }

// optionalText checks a free text that may be empty against its kind: its
// length and its characters (textProblem). A field text.go does not name is
// held to the stricter short kind.
func (c *checks) optionalText(field, v string) {
	k, ok := TextKindOf(field)
	if !ok {
		k = ShortText
	}
	if msg := textProblem(k, v); msg != "" {
		c.fail(field, "%s", msg)
	}
}

// oneOf checks a required enumeration word.
func (c *checks) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		c.fail(field, "must be one of %s", strings.Join(allowed, ", "))
	}
}

// email checks a required e-mail address, written as the bare address.
func (c *checks) email(field, v string) {
	if v == "" {
		c.fail(field, "is required")
		return
	}
	if len(v) > MaxEmail {
		c.fail(field, "is longer than %d characters", MaxEmail)
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v {
		c.fail(field, "is not an e-mail address")
	}
}

// number checks that v is a finite number.
func (c *checks) number(field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		c.fail(field, "must be a finite number")
	}
}

// err is the *Error for the failed checks, or nil.
func (c *checks) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "the command has invalid values", Fields: c.fields}
}
