package api_test

import (
	"net/http"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/events"
)

// The dashboard finds an entity's history by its aggregate kind: every kind
// HistoryPath names must be a history route the API serves, and a kind
// without one must be refused.
func TestHistoryPathNamesTheAPIsOwnHistoryRoutes(t *testing.T) {
	a := startAPI(t)
	routes := map[string]bool{}
	for _, r := range a.Server.Routes() {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/history") {
			routes[strings.Replace(r.Path, "{id}", "X1", 1)] = true
		}
	}
	seen := map[string]bool{}
	for _, kind := range api.HistoryKinds() {
		p, ok := api.HistoryPath(kind, "X1")
		if !ok || !routes[p] {
			t.Errorf("kind %s: HistoryPath answered %q, %v; not a history route", kind, p, ok)
		}
		seen[p] = true
	}
	if len(seen) != len(routes) {
		t.Errorf("HistoryPath reaches %d of the %d history routes: %v", len(seen), len(routes), routes)
	}
	for _, et := range events.EventTypes() {
		if _, ok := api.HistoryPath(et.Kind, "X1"); !ok {
			t.Errorf("events of kind %s have no history", et.Kind)
		}
	}
	if p, ok := api.HistoryPath("nonsense", "X1"); ok {
		t.Errorf("an unknown kind has the history %q", p)
	}
	if p, _ := api.HistoryPath(events.KindInitiative, "a/b"); p != "/v1/initiatives/a%2Fb/history" {
		t.Errorf("an id is not escaped in %q", p)
	}
}
