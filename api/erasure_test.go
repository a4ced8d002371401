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

func TestAnErasedAccountReadsErasedInViewsEventsAndItsFeedback(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	ann := registerPersonByEngine(t, a, "Ann")
	var acct projections.AccountView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/accounts", map[string]any{"name": "ACME", "segment": "SMB", "owner_id": ann, "contact": "jo.quixby@acme.example"}).JSON(t, &acct)
	tp := m.Touchpoints["Call centre"]
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": tp, "metric": "nps", "score": 2, "source": "call_centre", "account_id": acct.ID, "comment": "the zygote tariff again"})
	path := "/v1/accounts/" + acct.ID
	a.Must(http.StatusUnprocessableEntity, http.MethodPost, path+"/erasure", map[string]any{"reason": ""})
	a.Must(http.StatusOK, http.MethodPost, path+"/erasure", map[string]any{"reason": "request 2025-18"}).JSON(t, &acct)
	if acct.Contact != "[erased]" || !acct.Erased || acct.Name != "ACME" {
		t.Fatalf("the erasure answered %+v", acct)
	}
	a.Must(http.StatusConflict, http.MethodPost, path+"/erasure", map[string]any{"reason": "again"})
	a.Must(http.StatusConflict, http.MethodPatch, path, map[string]any{"contact": "jo@acme.example"})
	a.Must(http.StatusOK, http.MethodPatch, path, map[string]any{"name": "ACME Ltd"}).JSON(t, &acct)
	if acct.Contact != "[erased]" || acct.Name != "ACME Ltd" {
		t.Fatalf("a change after the erasure answered %+v", acct)
	}
	for _, read := range []string{path, path + "/history", "/v1/feedback?account=" + acct.ID, "/v1/events?aggregate=feedback"} {
		body := string(a.Must(http.StatusOK, http.MethodGet, read, nil).Body)
		if strings.Contains(body, "quixby") || strings.Contains(body, "zygote") || !strings.Contains(body, "[erased]") {
			t.Errorf("GET %s after the erasure reads %s", read, body)
		}
	}
}
