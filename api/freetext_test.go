package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestFreeTextRefusesInvisibleAndControlCharacters sends each bad string as
// a short text (a crew's name) and as a long text (its purpose), and wants
// a 422 naming the field; the good strings of each kind are taken.
func TestFreeTextRefusesInvisibleAndControlCharacters(t *testing.T) {
	a := startAPI(t)
	badForBoth := map[string]string{
		"NUL":                    "Cards\x00",
		"ESC":                    "Cards\x1b[31m",
		"DEL":                    "Cards\x7f",
		"C1 control":             "Cards\u0085",
		"right-to-left override": "Cards\u202e",
		"left-to-right isolate":  "Cards\u2066x\u2069",
		"right-to-left mark":     "Cards\u200f",
		"lone zero-width space":  "\u200b",
		"only a BOM":             "\ufeff",
		"over the limit":         strings.Repeat("x", 4001),
	}
	badShort := map[string]string{
		"newline":        "Cards\nTeam",
		"tab":            "Cards\tTeam",
		"carriage":       "Cards\rTeam",
		"over 200 chars": strings.Repeat("é", 201),
	}
	goodLong := []string{"Line one\nline two\tand a tab\r\n", "émoji 🙂 and 中文", "a\u200bb"}

	post := func(name, purpose string) Response {
		return a.Do(http.MethodPost, "/v1/crews", map[string]any{"name": name, "type": "capability", "purpose": purpose})
	}
	wantField := func(t *testing.T, r Response, field string) {
		t.Helper()
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("answered %d %s, want 422", r.Status, r.Body)
		}
		var p struct {
			Errors []struct{ Field string } `json:"errors"`
		}
		r.JSON(t, &p)
		for _, e := range p.Errors {
			if e.Field == field {
				return
			}
		}
		t.Fatalf("the errors do not name %s: %s", field, r.Body)
	}
	for what, s := range badForBoth {
		t.Run("short "+what, func(t *testing.T) { wantField(t, post(s, "fine"), "name") })
		t.Run("long "+what, func(t *testing.T) { wantField(t, post("Fine", s), "purpose") })
	}
	for what, s := range badShort {
		t.Run("short "+what, func(t *testing.T) { wantField(t, post(s, "fine"), "name") })
	}
	for i, s := range goodLong {
		if r := post("Crew "+string(rune('A'+i)), s); r.Status != http.StatusCreated {
			t.Errorf("long text %q answered %d %s, want 201", s, r.Status, r.Body)
		}
	}
	// Another command is held to the same rule, every bad field named at once.
	if r := a.Do(http.MethodPost, "/v1/people", map[string]any{"name": "\u202eNoor", "email": "noor@example.com", "department": "Claims\x00"}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `"name"`) || !strings.Contains(string(r.Body), `"department"`) {
		t.Fatalf("a person with bidi and NUL in names answered %d %s", r.Status, r.Body)
	}
}
