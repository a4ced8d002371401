package api_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
	"cxtracker/webhooks"
)

// delivery is one request a webhook receiver got.
type delivery struct {
	id, timestamp, signature string
	body                     []byte
	// kept says the receiver answered 2xx: the delivery is its copy.
	kept bool
}

// verifies says whether the delivery's signature is that of secret.
func (d delivery) verifies(secret string) bool {
	sec, err := strconv.ParseInt(d.timestamp, 10, 64)
	if err != nil {
		return false
	}
	want, err := webhooks.Sign(secret, d.id, time.Unix(sec, 0), d.body)
	return err == nil && want == d.signature
}

// failingReceiver is a webhook endpoint that answers 500 to every
// request until healed, and passes on each request it got.
func failingReceiver(t *testing.T, healed *atomic.Bool) (*httptest.Server, chan delivery) {
	got := make(chan delivery, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		kept := healed.Load()
		got <- delivery{id: r.Header.Get(webhooks.HeaderID), timestamp: r.Header.Get(webhooks.HeaderTimestamp), signature: r.Header.Get(webhooks.HeaderSignature), body: b, kept: kept}
		if !kept {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// next is the receiver's next request, or the test fails.
func next(t *testing.T, got chan delivery, what string) delivery {
	t.Helper()
	select {
	case d := <-got:
		return d
	case <-time.After(30 * time.Second):
		t.Fatalf("no delivery %s", what)
		return delivery{}
	}
}

// TestAWebhookAndTheStreamGiveErasedFieldsAfterAnErasure registers, with
// two webhook receivers, a person and an account's feedback with a
// comment. One receiver takes them, in plaintext; the other fails, so
// that the events wait in its subscription's consumer, and is healed
// after the person and the account are erased: what it then gets reads
// erased, sealed nowhere, still signed. A client of the live stream that
// resumes from before the events reads them erased too.
func TestAWebhookAndTheStreamGiveErasedFieldsAfterAnErasure(t *testing.T) {
	a := startWebhooks(t)
	m := mapAARRR(t, a)
	owner := registerPersonByEngine(t, a, "Ann")
	const name, email, contact, comment = "Olga Erasmus", "olga.erasmus@example.org", "jo.quixby@acme.example", "the zygote tariff again"
	secrets := []string{name, email, contact, comment, "olga.erasmus", "zygote"}
	types := []string{"cx.person.person_registered", "cx.feedback.feedback_logged", "cx.account.account_opened"}

	var ok, sick atomic.Bool
	ok.Store(true)
	okRcv, okGot := failingReceiver(t, &ok)
	sickRcv, sickGot := failingReceiver(t, &sick)
	subscribe := func(url string) string {
		reg := a.Must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": url, "types": types}).Map(t)
		return reg["secret"].(string)
	}
	okSecret, sickSecret := subscribe(okRcv.URL), subscribe(sickRcv.URL)

	from := a.Engine.LastSeq()
	person := register(a, name, email, "Claims")
	var acct projections.AccountView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/accounts", map[string]any{"name": "ACME", "segment": "SMB", "owner_id": owner, "contact": contact}).JSON(t, &acct)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints["Call centre"], "metric": "nps", "score": 2,
		"source": "call_centre", "account_id": acct.ID, "comment": comment})

	var before strings.Builder
	for _, what := range []string{"of the person", "of the account", "of the feedback"} {
		d := next(t, okGot, what+" before the erasure")
		if !d.verifies(okSecret) {
			t.Errorf("the delivery %s before the erasure is not signed with the subscription's secret: %s", what, d.body)
		}
		before.Write(d.body)
	}
	for _, s := range secrets {
		if !strings.Contains(before.String(), s) {
			t.Fatalf("the deliveries before the erasure do not hold %q: the test looks for the wrong thing\n%s", s, before.String())
		}
	}
	if first := next(t, sickGot, "to the failing receiver"); !strings.Contains(string(first.body), email) {
		t.Fatalf("the failing receiver's first attempt is not the person's registration in plaintext: %s", first.body)
	}
	if sse := sseAfter(t, a, from, int(a.Engine.LastSeq()-from)); !strings.Contains(sse, email) || !strings.Contains(sse, comment) {
		t.Fatalf("the live stream before the erasure does not hold the address and the comment: the test looks for the wrong thing\n%s", sse)
	}

	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+person+"/erasure", map[string]any{"reason": "request 2025-17"})
	a.Must(http.StatusOK, http.MethodPost, "/v1/accounts/"+acct.ID+"/erasure", map[string]any{"reason": "request 2025-18"})
	sick.Store(true)

	// The receiver gets the registration again until it answers 2xx, then
	// the account's opening and the feedback: the three it keeps.
	var after []delivery
	for len(after) < 3 {
		if d := next(t, sickGot, "after the receiver healed"); d.kept {
			after = append(after, d)
		}
	}
	for i, d := range after {
		body := string(d.body)
		if !d.verifies(sickSecret) {
			t.Errorf("delivery %d after the erasure does not verify with the subscription's secret: %s", i, body)
		}
		if !strings.Contains(body, events.Erased) || !strings.Contains(body, events.ErasedFlag) {
			t.Errorf("delivery %d after the erasure does not read erased: %s", i, body)
		}
		if strings.Contains(body, "cxsealed:") {
			t.Errorf("delivery %d after the erasure holds a sealed value: %s", i, body)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("delivery %d after the erasure holds %q: %s", i, s, body)
			}
		}
	}

	// A client that resumes the stream from before the events.
	sse := sseAfter(t, a, from, int(a.Engine.LastSeq()-from))
	for _, s := range append(secrets, "cxsealed:") {
		if strings.Contains(sse, s) {
			t.Errorf("the live stream resumed from before the erasure holds %q", s)
		}
	}
	if strings.Count(sse, events.Erased) < 4 || !strings.Contains(sse, events.ErasedFlag) {
		t.Errorf("the live stream resumed from before the erasure does not read the fields erased:\n%s", sse)
	}
}

// sseAfter is the live stream resumed with Last-Event-ID after until it
// has given n whole events: every line of it.
func sseAfter(t *testing.T, a *testAPI, after uint64, n int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp := a.Stream(ctx, "/v1/events/stream", "Last-Event-ID", strconv.FormatUint(after, 10))
	defer resp.Body.Close()
	var text strings.Builder
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for seen := 0; lines.Scan(); {
		if strings.HasPrefix(lines.Text(), "id: ") {
			seen++
		}
		text.WriteString(lines.Text() + "\n")
		if seen == n && lines.Text() == "" {
			break
		}
	}
	return text.String()
}
