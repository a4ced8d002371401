package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// Outside NATS readers or many clients may hold every consumer slot of the
// stream. Before bounded reads took batches of stored messages, each took a
// consumer, and then the audit log, every history, every entity as it stood
// and the council report answered 503.
func TestAuditReadsAnswerWithNoConsumerSlotFree(t *testing.T) {
	a := startAPI(t)
	id := registerPeople(t, a, 2)[0]
	name := "Renamed Person"
	res, err := a.Engine.Execute(context.Background(), events.ChangePersonDetails{PersonID: id, Name: &name}, events.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	jstest.ExhaustConsumers(t, a.Store.(*jetstream.Store))

	var page struct {
		Items []struct {
			Seq uint64 `json:"seq"`
		} `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?limit=1000", nil).JSON(t, &page)
	if n := len(page.Items); n == 0 || page.Items[n-1].Seq != res.Appended.LastSeq {
		t.Errorf("the audit log lists %d events, the last of them not seq %d", n, res.Appended.LastSeq)
	}
	var history struct {
		Events []struct {
			Event string `json:"event"`
		} `json:"events"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"/history", nil).JSON(t, &history)
	if len(history.Events) != 2 {
		t.Errorf("the person's history holds %d events, want 2", len(history.Events))
	}
	var then struct {
		Name string `json:"name"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"?as_of="+strconv.FormatUint(res.Appended.LastSeq-1, 10), nil).JSON(t, &then)
	if then.Name == name {
		t.Errorf("the person as of before the change is already named %q", then.Name)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/reports/council?from=2000-01-01T00:00:00Z", nil)
}
