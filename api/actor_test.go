package api_test

import (
	"context"
	"net/http"
	"testing"

	"cxtracker/events"
)

func TestEveryEventRecordsPersonTokenAndRequest(t *testing.T) {
	a := startAPI(t)
	mgr := events.NewID()
	for _, c := range []events.Command{
		events.RegisterPerson{PersonID: mgr, Name: "Mia", Email: "mia@example.com", Department: "CX"},
		events.AppointCXManager{PersonID: mgr},
	} {
		if _, err := a.Engine.Execute(context.Background(), c, events.Meta{Actor: "setup"}); err != nil {
			t.Fatal(err)
		}
	}
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": mgr}).Map(t)
	token, tokenID := issued["token"].(string), issued["id"].(string)
	r := a.DoAs(token, http.MethodPost, "/v1/people", map[string]any{"name": "Noor", "email": "noor@example.com", "department": "Claims"},
		"X-Request-Id", "req-42")
	if r.Status != http.StatusCreated {
		t.Fatalf("register answered %d %s", r.Status, r.Body)
	}
	var page struct {
		Items []struct {
			Actor         string `json:"actor"`
			ActorToken    string `json:"actor_token"`
			CorrelationID string `json:"correlation_id"`
			Event         string `json:"event"`
		} `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?type=person_registered&limit=500", nil).JSON(t, &page)
	last := page.Items[len(page.Items)-1]
	if last.Actor != mgr || last.ActorToken != tokenID || last.CorrelationID != "req-42" {
		t.Fatalf("the event records actor %q token %q correlation %q; want %s, %s, req-42", last.Actor, last.ActorToken, last.CorrelationID, mgr, tokenID)
	}
}
