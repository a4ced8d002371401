package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestAWriteRouteMustSayWhoMayCallIt: the OpenAPI document, built when the
// server starts, refuses a write route without a rule, so such a route
// stops the start; a read without one is readers', and a rule is written
// into the route's description.
func TestAWriteRouteMustSayWhoMayCallIt(t *testing.T) {
	write := Route{Method: http.MethodPost, Path: "/v1/things", Summary: "make a thing"}
	if _, err := document([]Route{write}, 1<<20); err == nil || !strings.Contains(err.Error(), "POST /v1/things") {
		t.Fatalf("a write route without a rule was documented: %v", err)
	}
	write.Allow = Rule{Roles: council, LeadOf: "id"}
	read := Route{Method: http.MethodGet, Path: "/v1/things/{id}", Summary: "a thing"}
	doc, err := document([]Route{write, read}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for route, want := range map[string]string{
		"post /v1/things":     "the roles admin, council; the lead of the crew {id}",
		"get /v1/things/{id}": "the roles admin, person; a service token granted action:read",
	} {
		method, path, _ := strings.Cut(route, " ")
		if got := doc.Paths[path][method].Description; !strings.Contains(got, want) {
			t.Errorf("%s is described as %q, want %q in it", route, got, want)
		}
	}
}
