package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/webhooks"
)

// sseText is the live stream from the log's start until it has given n
// events: every line of it.
func sseText(t *testing.T, a *testAPI, n int) string {
	t.Helper()
	return sseAfter(t, a, 0, n)
}

func TestTheAuditLogShowsWhoRegisteredAndDeletedAWebhookAndNeverItsSecret(t *testing.T) {
	a := startWebhooks(t)
	body := map[string]any{"url": "http://127.0.0.1:1/hook", "types": []string{"cx.person.person_registered"}}
	var reg api.RegisteredWebhook
	a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", body, api.HeaderIdempotencyKey, "hook-1").JSON(t, &reg)
	if !strings.HasPrefix(reg.Secret, webhooks.SecretPrefix) || reg.RegisteredBy == "" {
		t.Fatalf("registration answer: %+v", reg)
	}
	var again api.RegisteredWebhook
	a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", body, api.HeaderIdempotencyKey, "hook-1").JSON(t, &again)
	if again.ID != reg.ID || again.Secret != "" {
		t.Errorf("a retry answers %+v: the same webhook, without its secret", again)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/webhooks/"+reg.ID, nil)

	var h api.History
	a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+reg.ID+"/history", nil).JSON(t, &h)
	if len(h.Events) != 2 || h.Events[0].Event != events.EventWebhookRegistered || h.Events[1].Event != events.EventWebhookDeleted {
		t.Fatalf("the webhook's history: %+v", h.Events)
	}
	for _, ev := range h.Events {
		if ev.Actor != reg.RegisteredBy {
			t.Errorf("%s names %q, not who registered and deleted it (%q)", ev.Event, ev.Actor, reg.RegisteredBy)
		}
	}
	if d := string(h.Events[0].Data); !strings.Contains(d, `"url":"http://127.0.0.1:1/hook"`) || !strings.Contains(d, "cx.person.person_registered") {
		t.Errorf("the registration does not say where and what: %s", d)
	}
	var page api.Page[api.EventView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?aggregate=webhook", nil).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("the audit log holds %d webhook events, want 2: %+v", len(page.Items), page.Items)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/webhooks/"+reg.ID, nil)

	// The secret, or its key without the prefix, is in no answer of the
	// log, nor in the stream's stored bytes.
	key := strings.TrimPrefix(reg.Secret, webhooks.SecretPrefix)
	all := string(a.Must(http.StatusOK, http.MethodGet, "/v1/events?limit=1000", nil).Body) + sseText(t, a, int(a.Engine.LastSeq()))
	if err := a.Store.Read(context.Background(), events.FromSeq(1), func(rec events.Record) error {
		all += string(rec.Raw)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all, events.EventWebhookRegistered) {
		t.Fatal("the texts searched hold no registration")
	}
	if strings.Contains(all, key) {
		t.Error("the webhook's secret is in the log")
	}
}

func TestAWebhookRegistrationTakesOccurredAt(t *testing.T) {
	a := startWebhooks(t)
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var reg api.RegisteredWebhook
	a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks",
		map[string]any{"url": "http://127.0.0.1:1/hook", "types": []string{"cx.person.person_registered"}, "occurred_at": at}).JSON(t, &reg)
	var h api.History
	a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+reg.ID+"/history", nil).JSON(t, &h)
	if len(h.Events) != 1 || !h.Events[0].OccurredAt.Equal(at) {
		t.Errorf("the registration's history: %+v", h.Events)
	}
}
