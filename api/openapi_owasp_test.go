package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"cxtracker/events"
)

// spectralConfig is the ruleset scripts/spectral.sh runs: the OWASP rules,
// with the exceptions api/testdata/spectral/EXCEPTIONS.md gives reasons for.
type spectralConfig struct {
	Rules     map[string]string `json:"rules"`
	Overrides []struct {
		Files []string          `json:"files"`
		Rules map[string]string `json:"rules"`
	} `json:"overrides"`
}

// excepted reports whether rule is turned off at the JSON pointer ptr.
func (c spectralConfig) excepted(rule, ptr string) bool {
	for _, o := range c.Overrides {
		if o.Rules[rule] != "off" {
			continue
		}
		for _, f := range o.Files {
			if _, p, _ := strings.Cut(f, "#"); p == ptr {
				return true
			}
		}
	}
	return false
}

// TestOpenAPIDocumentBoundsEveryValue holds the document to the core of
// Spectral's OWASP ruleset without Node: every string has a maxLength or an
// enum, every integer a format and bounds, every list a maxItems; every
// operation documents 429 with Retry-After and 500, every signed-in one 401
// and 403, and every 2xx and 4xx answer the rate limit headers. Free-text
// fields carry the very limits the write side enforces. With OPENAPI_OUT
// set, it writes the document there for scripts/spectral.sh.
func TestOpenAPIDocumentBoundsEveryValue(t *testing.T) {
	a := startAPI(t)
	raw := a.Must(http.StatusOK, http.MethodGet, "/openapi.json", nil).Body
	if out := os.Getenv("OPENAPI_OUT"); out != "" {
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var cfg spectralConfig
	cfgRaw, err := os.ReadFile("testdata/spectral/.spectral.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cfgRaw, &cfg); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}

	var bad []string
	seen := map[string]bool{}
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		seen[ptr] = true
		switch n := v.(type) {
		case []any:
			for i, e := range n {
				walk(e, fmt.Sprintf("%s/%d", ptr, i))
			}
		case map[string]any:
			_, hasEnum := n["enum"]
			switch n["type"] {
			case "string":
				if _, ok := n["maxLength"]; !ok && !hasEnum && !cfg.excepted("owasp:api4:2023-string-limit", ptr) {
					bad = append(bad, ptr+": a string without maxLength or enum")
				}
			case "integer":
				for _, k := range []string{"format", "minimum", "maximum"} {
					if _, ok := n[k]; !ok {
						bad = append(bad, ptr+": an integer without "+k)
					}
				}
			case "array":
				if _, ok := n["maxItems"]; !ok {
					bad = append(bad, ptr+": a list without maxItems")
				}
			}
			if props, ok := n["properties"].(map[string]any); ok {
				for name, p := range props {
					kind, known := events.TextKindOf(name)
					ps, _ := p.(map[string]any)
					if known && ps["type"] == "string" && ps["maxLength"] != float64(kind.MaxLen()) {
						bad = append(bad, fmt.Sprintf("%s/properties/%s: maxLength %v, but the write side allows %d", ptr, name, ps["maxLength"], kind.MaxLen()))
					}
				}
			}
			for k, e := range n {
				walk(e, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
			}
		}
	}
	walk(doc, "")

	shared := doc["components"].(map[string]any)["responses"].(map[string]any)
	resolve := func(r any) map[string]any {
		m, _ := r.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			m, _ = shared[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
		}
		return m
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			responses := op["responses"].(map[string]any)
			need := []string{"429", "500"}
			if sec, _ := op["security"].([]any); len(sec) > 0 {
				need = append(need, "401", "403")
			}
			for _, code := range need {
				if _, ok := responses[code]; !ok {
					bad = append(bad, where+": does not document "+code)
				}
			}
			for code, r := range responses {
				headers, _ := resolve(r)["headers"].(map[string]any)
				if code == "429" && headers["Retry-After"] == nil {
					bad = append(bad, where+": 429 without Retry-After")
				}
				if (code[0] == '2' || code[0] == '4') && (headers["RateLimit-Limit"] == nil || headers["RateLimit-Reset"] == nil) {
					bad = append(bad, where+" "+code+": no RateLimit-Limit and RateLimit-Reset headers")
				}
			}
		}
	}
	// An exception that names nothing in the document has outlived its cause.
	for _, o := range cfg.Overrides {
		for _, f := range o.Files {
			if _, p, _ := strings.Cut(f, "#"); !seen[p] {
				bad = append(bad, "the exception "+f+" names nothing in the document")
			}
		}
	}
	slices.Sort(bad)
	for _, b := range bad {
		t.Error(b)
	}

	// The rate limit headers the document promises are sent.
	r := a.Must(http.StatusOK, http.MethodGet, "/v1/people", nil)
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if r.Header.Get(h) == "" {
			t.Errorf("a read answered without %s", h)
		}
	}
}
