package webhooks_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/webhooks"
)

// verify checks a delivery the way the Standard Webhooks specification
// tells a receiver to, written here from the specification rather than
// with the package's Sign: the signed content is the id, the timestamp
// and the body joined by dots; the key is the secret's base64 after
// whsec_; the header holds space-separated "v1,<base64 HMAC-SHA256>".
func verify(secret string, g received) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") || len(key) < 24 {
		return fmt.Errorf("secret %q is not whsec_ and base64 of at least 24 bytes", secret)
	}
	if _, err := strconv.ParseInt(g.timestamp, 10, 64); err != nil {
		return fmt.Errorf("webhook-timestamp %q is not Unix seconds", g.timestamp)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(g.id + "." + g.timestamp + "." + string(g.body)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(g.signature) {
		if v, s, _ := strings.Cut(sig, ","); v == "v1" && hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("webhook-signature %q does not verify (want v1,%s)", g.signature, want)
}

func TestADeliveryIsSignedAsTheStandardWebhooksSpecificationSays(t *testing.T) {
	tr := startTracker(t)
	rcv := newReceiver(t, nil)
	sub := tr.register(rcv.URL, logged)
	tr.log(revoked) // not subscribed to
	id := tr.log(logged)

	g := rcv.next(t)
	if err := verify(sub.Secret, g); err != nil {
		t.Fatal(err)
	}
	if g.id != id {
		t.Errorf("webhook-id is %q, want the event's id %q", g.id, id)
	}
	if g.timestamp != strconv.FormatInt(start.Unix(), 10) {
		t.Errorf("webhook-timestamp is %q, want the pinned clock's %d", g.timestamp, start.Unix())
	}
	if g.contentType != webhooks.ContentType {
		t.Errorf("Content-Type is %q, want %q", g.contentType, webhooks.ContentType)
	}
	var ev events.Event
	if err := json.Unmarshal(g.body, &ev); err != nil || ev.Type != logged || ev.SpecVersion != "1.0" {
		t.Errorf("body is not the feedback_logged CloudEvent: %s", g.body)
	}
	tampered := g
	tampered.body = bytes.Replace(g.body, []byte("webhook test"), []byte("webhook TEST"), 1)
	if verify(sub.Secret, tampered) == nil {
		t.Error("a changed body verified")
	}
}

func TestEachSubscriptionGetsItsEventsInLogOrder(t *testing.T) {
	tr := startTracker(t)
	rcv := newReceiver(t, nil)
	tr.register(rcv.URL, logged, revoked)
	var ids []string
	for i := range 30 {
		typ := logged
		if i%3 == 0 {
			typ = revoked
		}
		ids = append(ids, tr.log(typ))
	}
	for i, want := range ids {
		if g := rcv.next(t); g.id != want {
			t.Fatalf("delivery %d is event %s, want %s", i, g.id, want)
		}
	}
}

func TestAFailedDeliveryIsRetriedUntilItSucceeds(t *testing.T) {
	tr := startTracker(t)
	rcv := newReceiver(t, func(n int) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	sub := tr.register(rcv.URL, logged)
	first, second := tr.log(logged), tr.log(logged)
	for i, want := range []string{first, first, second} {
		if g := rcv.next(t); g.id != want {
			t.Fatalf("request %d carries event %s, want %s", i, g.id, want)
		}
	}
	st := tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Delivered == 2 })
	if st.Failed != 1 || !strings.Contains(st.LastError, "500") || st.Status != webhooks.StatusActive || !st.FailingSince.IsZero() {
		t.Errorf("state after a 500 then successes: %+v", st)
	}
	if d := st.Recent; len(d) != 3 || d[2].Succeeded || d[2].Status != 500 || d[1].Attempt != 2 || !d[0].Succeeded {
		t.Errorf("recent deliveries, newest first: %+v", d)
	}
}

func TestAHangingReceiverHoldsUpNeitherWritesNorOtherSubscriptions(t *testing.T) {
	tr := startTracker(t)
	release := make(chan struct{})
	hanging := newReceiver(t, func(int) int { <-release; return http.StatusOK })
	defer close(release)
	healthy := newReceiver(t, nil)
	tr.register(hanging.URL, logged)
	tr.register(healthy.URL, logged)
	// The hanging receiver holds its first request; every write still
	// completes and the healthy one gets every event.
	var ids []string
	for range 20 {
		ids = append(ids, tr.log(logged))
	}
	for i, want := range ids {
		if g := healthy.next(t); g.id != want {
			t.Fatalf("healthy receiver's delivery %d is %s, want %s", i, g.id, want)
		}
	}
	select {
	case g := <-hanging.got:
		t.Fatalf("the hanging receiver answered (%s) before it was released", g.id)
	default:
	}
}

func TestADayOfFailuresPausesTheSubscriptionAndResumeGoesOn(t *testing.T) {
	tr := startTracker(t)
	var failing atomic.Bool
	failing.Store(true)
	rcv := newReceiver(t, func(int) int {
		if failing.Load() {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	sub := tr.register(rcv.URL, logged)
	id := tr.log(logged)
	tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Failed >= 3 })
	if _, st, _ := tr.svc.Get(t.Context(), sub.ID); st.Status != webhooks.StatusActive {
		t.Fatalf("paused before a day of failures: %+v", st)
	}
	tr.clock.advance(webhooks.PauseAfter + time.Minute)
	st := tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Status == webhooks.StatusPaused })
	if !strings.Contains(st.PausedReason, "503") || !st.PausedAt.Equal(start.Add(webhooks.PauseAfter+time.Minute)) {
		t.Errorf("a paused subscription says why and when: %+v", st)
	}
	failing.Store(false)
	tr.execute(events.ResumeWebhook{WebhookID: sub.ID})
	st = tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Delivered == 1 })
	if st.Status != webhooks.StatusActive || st.Recent[0].EventID != id {
		t.Errorf("after resume the held event is delivered: %+v", st)
	}
}

func TestARestartDeliversOnWithoutRepeatingAcknowledgedEvents(t *testing.T) {
	tr := startTracker(t)
	rcv := newReceiver(t, nil)
	sub := tr.register(rcv.URL, logged)
	for range 3 {
		want := tr.log(logged)
		if g := rcv.next(t); g.id != want {
			t.Fatalf("got %s, want %s", g.id, want)
		}
	}
	tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Delivered == 3 })
	tr.restart()
	after := []string{tr.log(logged), tr.log(logged)}
	for i, want := range after {
		if g := rcv.next(t); g.id != want {
			t.Fatalf("after the restart, delivery %d is %s, want %s (an acknowledged event again?)", i, g.id, want)
		}
	}
	st := tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Delivered == 5 })
	if len(st.Recent) != 5 {
		t.Errorf("the delivery records did not survive the restart: %+v", st.Recent)
	}
}

func TestADeletedSubscriptionGetsNothingMore(t *testing.T) {
	tr := startTracker(t)
	gone, kept := newReceiver(t, nil), newReceiver(t, nil)
	a := tr.register(gone.URL, logged)
	tr.register(kept.URL, logged)
	tr.execute(events.DeleteWebhook{WebhookID: a.ID})
	if err := tr.svc.Forget(t.Context(), a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tr.svc.Get(t.Context(), a.ID); err != webhooks.ErrNotFound {
		t.Fatalf("a deleted webhook is still found: %v", err)
	}
	want := tr.log(logged)
	if g := kept.next(t); g.id != want {
		t.Fatalf("got %s, want %s", g.id, want)
	}
	select {
	case g := <-gone.got:
		t.Fatalf("a deleted subscription got %s", g.id)
	default:
	}
}

func TestARedirectIsAFailedDeliveryAndIsNotFollowed(t *testing.T) {
	tr := startTracker(t)
	target := newReceiver(t, nil)
	redirecting := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer redirecting.Close()
	sub := tr.register(redirecting.URL, logged)
	tr.log(logged)
	st := tr.waitState(sub.ID, func(st webhooks.State) bool { return st.Failed >= 2 })
	if !strings.Contains(st.LastError, "redirect") || st.Delivered != 0 {
		t.Errorf("a redirect's state: %+v", st)
	}
	select {
	case g := <-target.got:
		t.Fatalf("the redirect was followed: its target got %s", g.id)
	default:
	}
}
