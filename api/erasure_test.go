package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cxtracker/events/jetstream"
	"cxtracker/projections"
)

// testEraser erases keys and kept answers as the tracker does; the
// tracker's checkpoints are its own (cmd/cxtracker).
type testEraser struct {
	keys    *jetstream.Keys
	answers *jetstream.Answers
}

func (e testEraser) EraseKey(ctx context.Context, subject string) error {
	return e.keys.Erase(ctx, subject)
}

func (e testEraser) Scrub(ctx context.Context, id string) error {
	return e.answers.EraseNaming(ctx, id)
}

func TestAnErasedPersonReadsErasedInViewsAndEvents(t *testing.T) {
	a := startAPI(t)
	id := register(a, "Olga Erasmus", "olga.erasmus@example.org", "Claims")
	a.Must(http.StatusBadRequest, http.MethodPost, "/v1/people/"+id+"/erasure", map[string]any{"why": "x"})
	var p projections.PersonView
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+id+"/erasure", map[string]any{"reason": "request 2025-17"}).JSON(t, &p)
	if p.Name != "[erased]" || p.Email != "[erased]" || !p.Erased || p.Department != "Claims" {
		t.Fatalf("the erasure answered %+v", p)
	}
	a.Must(http.StatusConflict, http.MethodPost, "/v1/people/"+id+"/erasure", map[string]any{"reason": "again"})
	a.Must(http.StatusConflict, http.MethodPatch, "/v1/people/"+id, map[string]any{"email": "olga@example.org"})
	events := a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"/history", nil)
	if strings.Contains(string(events.Body), "olga.erasmus") || !strings.Contains(string(events.Body), `"erased_fields"`) {
		t.Fatalf("the history after the erasure reads %s", events.Body)
	}
}
