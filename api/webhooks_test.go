package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2/event"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
	"cxtracker/webhooks"
)

// startWebhooks is the API with the webhook service delivering through
// the API's own encoding, as the tracker wires it.
func startWebhooks(t *testing.T) *testAPI {
	t.Helper()
	return startWebhooksAt(t, nil)
}

// startWebhooksAt is startWebhooks with the service on clock.
func startWebhooksAt(t *testing.T, clock events.Clock) *testAPI {
	t.Helper()
	store := jstest.Start(t)
	hooks, err := store.Webhooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var svc *webhooks.Service
	a := startAPIOn(t, store, func(d *api.Deps) {
		svc = webhooks.New(hooks, webhooks.Options{Engine: d.Engine, Clock: clock, FirstPause: 5 * time.Millisecond, MostPause: 20 * time.Millisecond,
			PausedCheck: 10 * time.Millisecond})
		d.Webhooks = svc
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); svc.Wait() })
	if err := svc.Run(ctx, a.Server.WebhookBody); err != nil {
		t.Fatal(err)
	}
	return a
}

// hookReceiver is a real endpoint that passes each body on; hold, when
// set, keeps every request waiting until it is closed.
func hookReceiver(t *testing.T, hold chan struct{}) (*httptest.Server, chan []byte) {
	got := make(chan []byte, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hold != nil {
			<-hold
		}
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func TestAWebhookDeliversTheAuditLogsEventAsACloudEvent(t *testing.T) {
	a := startWebhooks(t)
	rcv, got := hookReceiver(t, nil)
	reg := a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": rcv.URL, "types": []string{"cx.person.person_registered"}}).Map(t)
	if s, _ := reg["secret"].(string); !strings.HasPrefix(s, webhooks.SecretPrefix) || reg["status"] != "active" {
		t.Fatalf("registration answer: %v", reg)
	}
	id := reg["id"].(string)
	if v := a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+id, nil).Map(t); v["secret"] != nil {
		t.Errorf("a read shows the secret: %v", v)
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Ada", "email": "ada@example.com", "department": "Claims"})

	var body []byte
	select {
	case body = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing delivered")
	}
	ce := cloudevents.New()
	if err := json.Unmarshal(body, &ce); err != nil {
		t.Fatalf("the body is not a structured-mode CloudEvent: %v\n%s", err, body)
	}
	if err := ce.Validate(); err != nil {
		t.Fatalf("the CloudEvent is not valid: %v", err)
	}
	var page api.Page[api.EventView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?type=person_registered", nil).JSON(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("audit log: %+v", page.Items)
	}
	ev := page.Items[0]
	if ce.ID() != ev.ID || ce.Type() != ev.Type || !ce.Time().Equal(ev.OccurredAt) || string(ce.Data()) != string(ev.Data) {
		t.Errorf("delivered %s, the audit log shows %+v", body, ev)
	}
	if seq, ok := ce.Extensions()["seq"]; !ok || seq == nil {
		t.Errorf("the delivery has no seq extension: %s", body)
	}
	deliveries := a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", nil).Map(t)
	if d, _ := deliveries["deliveries"].([]any); len(d) == 0 {
		// The record is written before the acknowledgement, which is after
		// the receiver answered: wait for it.
		deadline := time.Now().Add(10 * time.Second)
		for len(d) == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
			d, _ = a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", nil).Map(t)["deliveries"].([]any)
		}
		if len(d) == 0 {
			t.Errorf("no delivery recorded: %v", deliveries)
		}
	}
}

func TestARegistrationThatCannotBeHonouredIsRefusedAndKeepsNothing(t *testing.T) {
	a := startWebhooks(t)
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"url": "https://10.0.0.7/hook", "types": []string{"cx.person.person_registered"}}, "url"},
		{map[string]any{"url": "https://169.254.169.254/latest", "types": []string{"cx.person.person_registered"}}, "url"},
		{map[string]any{"url": "http://8.8.8.8/hook", "types": []string{"cx.person.person_registered"}}, "url"},
		{map[string]any{"url": "https://[fd00::1]/hook", "types": []string{"cx.person.person_registered"}}, "url"},
		{map[string]any{"url": "http://127.0.0.1:1/hook", "types": []string{"cx.person.no_such_event"}}, "types"},
		{map[string]any{"url": "http://127.0.0.1:1/hook", "types": []string{}}, "types"},
		{map[string]any{"types": []string{"cx.person.person_registered"}}, "url"},
	} {
		p := a.Must(http.StatusUnprocessableEntity, http.MethodPost, "/v1/webhooks", tc.body).Map(t)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != tc.field {
			t.Errorf("%v: want one error on %s, got %v", tc.body, tc.field, p)
		}
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": "http://[::1]:1/hook", "types": []string{"cx.person.person_registered"}})
	if items := a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks", nil).Map(t)["items"].([]any); len(items) != 1 {
		t.Errorf("want only the loopback registration kept, got %v", items)
	}
}

func TestAHangingWebhookDoesNotHoldUpWrites(t *testing.T) {
	a := startWebhooks(t)
	hold := make(chan struct{})
	rcv, got := hookReceiver(t, hold)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": rcv.URL, "types": []string{"cx.person.person_registered"}})
	for i := range 5 {
		a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "P", "email": "p" + string(rune('a'+i)) + "@example.com", "department": "Claims"})
	}
	// Every write answered while the receiver holds its first request.
	close(hold)
	for range 5 {
		select {
		case <-got:
		case <-time.After(20 * time.Second):
			t.Fatal("the held deliveries never arrived once released")
		}
	}
}

func TestADeletedWebhookIsGone(t *testing.T) {
	a := startWebhooks(t)
	id := a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:1/hook", "types": []string{"cx.person.person_registered"}}).Map(t)["id"].(string)
	a.Must(http.StatusOK, http.MethodDelete, "/v1/webhooks/"+id, nil)
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/webhooks/"+id, nil)
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/webhooks/no.such", nil)
	a.Must(http.StatusNotFound, http.MethodDelete, "/v1/webhooks/"+id, nil)
}

// waitWebhook reads the webhook until ok holds of it, failing the test if
// it never does.
func waitWebhook(t *testing.T, a *testAPI, id string, ok func(api.WebhookView) bool) api.WebhookView {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var v api.WebhookView
		a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+id, nil).JSON(t, &v)
		if ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook %s never reached the state waited for: %+v", id, v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAWebhookFailingForADayIsPausedSaysWhyAndResumes(t *testing.T) {
	now := time.Now().UTC()
	var later atomic.Bool
	clock := func() time.Time {
		if later.Load() {
			return now.Add(webhooks.PauseAfter + time.Hour)
		}
		return now
	}
	a := startWebhooksAt(t, clock)
	var failing atomic.Bool
	failing.Store(true)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer rcv.Close()
	id := a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": rcv.URL, "types": []string{"cx.person.person_registered"}}).Map(t)["id"].(string)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Ada", "email": "ada@example.com", "department": "Claims"})
	v := waitWebhook(t, a, id, func(v api.WebhookView) bool { return v.FailedAttempts >= 2 })
	if v.Status != "active" || !strings.Contains(v.LastError, "500") || v.FailingSince.IsZero() {
		t.Fatalf("failing for less than a day: %+v", v)
	}
	later.Store(true)
	v = waitWebhook(t, a, id, func(v api.WebhookView) bool { return v.Status == "paused" })
	if !strings.Contains(v.PausedReason, "500") {
		t.Errorf("a paused webhook says why: %+v", v)
	}
	failing.Store(false)
	var resumed api.WebhookView
	a.Must(http.StatusOK, http.MethodPost, "/v1/webhooks/"+id+"/resume", nil).JSON(t, &resumed)
	if resumed.Status != "active" {
		t.Errorf("resumed: %+v", resumed)
	}
	waitWebhook(t, a, id, func(v api.WebhookView) bool { return v.Delivered == 1 })
	a.Must(http.StatusNotFound, http.MethodPost, "/v1/webhooks/no-such/resume", nil)

	var h api.History
	a.Must(http.StatusOK, http.MethodGet, "/v1/webhooks/"+id+"/history", nil).JSON(t, &h)
	var names []string
	for _, ev := range h.Events {
		names = append(names, ev.Event)
	}
	if strings.Join(names, " ") != "webhook_registered webhook_paused webhook_resumed" {
		t.Fatalf("the paused and resumed webhook's history: %v", names)
	}
	if paused := h.Events[1]; paused.Actor != "system" || !strings.Contains(string(paused.Data), "500") {
		t.Errorf("the automatic pause is the system's and says why: %+v", paused)
	}
}
