package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
)

// TestTheWebhooksPageShowsEachWebhooksDeliveriesToTheCXTeamOnly registers
// a webhook whose endpoint answers 500, and reads the page as the CX
// manager, who sees the failures, and as a council member, who may not.
func TestTheWebhooksPageShowsEachWebhooksDeliveriesToTheCXTeamOnly(t *testing.T) {
	m, admin := demoTracker(t)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer rcv.Close()
	ctx := context.Background()
	var hook api.RegisteredWebhook
	if err := admin.do(ctx, http.MethodPost, "/v1/webhooks", map[string]any{"url": rcv.URL + "/cx", "types": []string{"cx.person.person_registered"}}, &hook); err != nil {
		t.Fatal(err)
	}
	if err := admin.do(ctx, http.MethodPost, "/v1/people", map[string]any{"name": "Hook Test", "email": "hook.test@example.com", "department": "Claims"}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var v api.WebhookView
		if err := admin.do(ctx, http.MethodGet, "/v1/webhooks/"+hook.ID, nil, &v); err != nil {
			t.Fatal(err)
		}
		if v.FailedAttempts > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhook never failed: %+v", v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	base := "http://" + m.HTTPAddr()

	manager, _ := personToken(t, admin, cxManager)
	b := newBrowserSession(t, base)
	b.signIn(manager)
	page := b.get("/webhooks")
	if page.Status != http.StatusOK {
		t.Fatalf("the CX manager's webhooks page answered %d", page.Status)
	}
	for _, want := range []string{`id="webhook-` + hook.ID + `"`, rcv.URL + "/cx", "answered 500", `class="delivery failed"`, "cx.person.person_registered"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the webhooks page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "whsec_") {
		t.Error("the webhooks page shows a secret")
	}

	// The audit page shows who registered it, and no secret.
	audit := b.get("/audit?aggregate=webhook")
	if audit.Status != http.StatusOK || !strings.Contains(audit.Body, "webhook_registered") || !strings.Contains(audit.Body, hook.ID) {
		t.Errorf("the audit page (%d) does not show the webhook's registration", audit.Status)
	}
	if strings.Contains(audit.Body, strings.TrimPrefix(hook.Secret, "whsec_")) {
		t.Error("the audit page shows a webhook's secret")
	}

	member, _ := personToken(t, admin, councilMember)
	other := newBrowserSession(t, base)
	other.signIn(member)
	if got := other.get("/webhooks"); got.Status != http.StatusForbidden {
		t.Errorf("a council member's webhooks page answered %d, want 403", got.Status)
	}
}
