package events

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextKind is the kind of a free-text field: it fixes the field's length
// limit and the characters it may hold. The write side checks every free
// text against its kind (validate.go) and the API's OpenAPI document gives
// each field its kind's limit, so the two cannot disagree.
type TextKind int

const (
	// ShortText is a name, title or label of one line: no control
	// character at all.
	ShortText TextKind = iota + 1
	// LongText is prose such as a comment or a rationale: it may run over
	// lines and hold tabs.
	LongText
)

// Limits on free text, counted in characters. They keep one event small
// enough for the log and for a screen, and are generous for what people
// write in a CX program.
const (
	MaxShortText = 200
	MaxLongText  = 4000
	// MaxEmail is the longest address SMTP can carry (RFC 5321).
	MaxEmail = 254
)

// MaxLen is the most characters a text of kind k may hold.
func (k TextKind) MaxLen() int {
	if k == LongText {
		return MaxLongText
	}
	return MaxShortText
}

// textKinds names every free-text field of every command by its JSON name,
// the one place that says which kind each is. A field of a list, such as
// actions[0].description, is named by its last part.
var textKinds = map[string]TextKind{
	"account": ShortText, "channel": ShortText, "contact": ShortText, "department": ShortText, "label": LongText,
	"metric": ShortText, "name": ShortText, "scope": ShortText, "segment": ShortText,
	"shared_with": ShortText, "title": ShortText, "unit": ShortText,

	"action_taken": LongText, "comment": LongText, "description": LongText, "note": LongText,
	"outcome": LongText, "problem": LongText, "purpose": LongText, "rationale": LongText,
	"reason": LongText, "summary": LongText,
}

// TextKindOf is the kind of the free-text field with this JSON name, and
// false when the name is not a free-text field's.
func TextKindOf(field string) (TextKind, bool) {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	k, ok := textKinds[field]
	return k, ok
}

// textProblem says what is wrong with v as a text of kind k, or "" when
// nothing is. Control characters would corrupt logs, terminals and CSV
// files; bidirectional controls make text read differently from what it
// holds (the "Trojan Source" trick); and a name of nothing but spaces and
// invisible characters names nothing one could see.
func textProblem(k TextKind, v string) string {
	if !utf8.ValidString(v) {
		return "is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(v); n > k.MaxLen() {
		return "is longer than " + strconv.Itoa(k.MaxLen()) + " characters"
	}
	visible := false
	for _, r := range v {
		switch {
		case bidiControl(r):
			return "holds a bidirectional control character"
		case unicode.IsControl(r):
			if k == ShortText || (r != '\n' && r != '\r' && r != '\t') {
				return "holds a control character"
			}
		case !unicode.IsSpace(r) && unicode.IsGraphic(r) && !unicode.Is(unicode.Cf, r):
			visible = true
		}
	}
	if v != "" && !visible {
		return "has no visible character"
	}
	return ""
}

// bidiControl reports whether r is an explicit bidirectional formatting
// character: the embeddings and overrides, the isolates, and the marks.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
