package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/events/jetstream"
)

// movableClock is a pinned clock a test moves on.
type movableClock struct{ at atomic.Pointer[time.Time] }

func newMovableClock(t time.Time) *movableClock {
	c := &movableClock{}
	c.at.Store(&t)
	return c
}

func (c *movableClock) clock() events.Clock { return func() time.Time { return *c.at.Load() } }
func (c *movableClock) add(d time.Duration) { t := c.at.Load().Add(d); c.at.Store(&t) }

// signInLink makes a link for token id as the admin and answers it.
func signInLink(a *testAPI, tokenID string, headers ...string) api.SignInLink {
	a.t.Helper()
	var l api.SignInLink
	a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens/"+tokenID+"/signin-links", nil, headers...).JSON(a.t, &l)
	return l
}

// codeOf is the code a link's path holds.
func codeOf(t *testing.T, l api.SignInLink) string {
	t.Helper()
	code, ok := strings.CutPrefix(l.Path, api.SignInLinkPath)
	if !ok || code == "" {
		t.Fatalf("the link's path %q is not under %s", l.Path, api.SignInLinkPath)
	}
	return code
}

func TestASignInLinkSignsInAsItsTokenOnceWithinFifteenMinutes(t *testing.T) {
	clock := newMovableClock(time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC))
	a := startAPIWith(t, func(d *api.Deps) { d.Clock = clock.clock() })
	ctx := context.Background()
	ana := register(a, "Ana Ribeiro", "ana@example.com", "Sales")
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": ana}).Map(t)
	id, token := issued["id"].(string), issued["token"].(string)

	l := signInLink(a, id)
	if l.TokenID != id || l.PersonID != ana || !l.ExpiresAt.Equal(clock.clock().Now().Add(15*time.Minute)) {
		t.Fatalf("link %+v, want token %s of %s expiring in 15 minutes", l, id, ana)
	}
	code := codeOf(t, l)
	// Asking who it signs in as leaves it unused.
	for range 2 {
		hash, ok, err := a.Server.PeekSignInLink(ctx, code)
		caller, _ := a.Server.CallerByHash(hash)
		if err != nil || !ok || caller.TokenID != id || caller.PersonID != ana {
			t.Fatalf("the link signs in as %+v %v %v", caller, ok, err)
		}
	}
	hash, ok, err := a.Server.RedeemSignInLink(ctx, code)
	if err != nil || !ok || hash != api.HashToken(token) {
		t.Fatalf("redeeming answered %q %v %v, want the token's hash", hash, ok, err)
	}
	if _, ok, err := a.Server.RedeemSignInLink(ctx, code); ok || err != nil {
		t.Fatalf("a used link was redeemed again: %v %v", ok, err)
	}
	if _, ok, _ := a.Server.PeekSignInLink(ctx, code); ok {
		t.Fatal("a used link still names its caller")
	}

	// Past its 15 minutes a link signs nobody in, though the bucket may
	// keep it a while yet.
	late := codeOf(t, signInLink(a, id))
	clock.add(15*time.Minute - time.Second)
	if _, ok, _ := a.Server.PeekSignInLink(ctx, late); !ok {
		t.Fatal("a link a second before it expires does not work")
	}
	clock.add(time.Second)
	if _, ok, _ := a.Server.PeekSignInLink(ctx, late); ok {
		t.Fatal("an expired link names its caller")
	}
	if _, ok, err := a.Server.RedeemSignInLink(ctx, late); ok || err != nil {
		t.Fatalf("an expired link was redeemed: %v %v", ok, err)
	}

	// A link whose token is revoked meanwhile signs nobody in.
	revoked := codeOf(t, signInLink(a, id))
	a.Must(http.StatusOK, http.MethodDelete, "/v1/tokens/"+id, nil)
	if _, ok, _ := a.Server.RedeemSignInLink(ctx, revoked); ok {
		t.Fatal("a link of a revoked token was redeemed")
	}
	for _, bad := range []string{"", "nope", strings.Repeat("A", 43), "../../../x"} {
		if _, ok, err := a.Server.RedeemSignInLink(ctx, bad); ok || err != nil {
			t.Fatalf("code %q answered %v %v", bad, ok, err)
		}
	}
}

func TestOnlyTheAdminMakesSignInLinksForLiveTokens(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Ribeiro", "ana@example.com", "Sales")
	issued := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": ana}).Map(t)
	id, token := issued["id"].(string), issued["token"].(string)

	if r := a.DoAs(token, http.MethodPost, "/v1/tokens/"+id+"/signin-links", nil); r.Status != http.StatusForbidden {
		t.Fatalf("a person made a link for their own token: %d %s", r.Status, r.Body)
	}
	if r := a.Do(http.MethodPost, "/v1/tokens/"+events.NewID()+"/signin-links", nil); r.Status != http.StatusNotFound {
		t.Fatalf("a link for an unknown token answered %d %s", r.Status, r.Body)
	}
	// A retry with the same Idempotency-Key answers the same link's
	// expiry, without its path: no answer kept for retries holds a secret.
	first := signInLink(a, id, "Idempotency-Key", "link-1")
	again := signInLink(a, id, "Idempotency-Key", "link-1")
	if first.Path == "" || again.Path != "" || !again.ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("the retry answered %+v after %+v", again, first)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/tokens/"+id, nil)
	if r := a.Do(http.MethodPost, "/v1/tokens/"+id+"/signin-links", nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "revoked") {
		t.Fatalf("a link for a revoked token answered %d %s", r.Status, r.Body)
	}
}

func TestWithoutALinkKeeperSignInLinksAnswer503(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) { d.SignInLinks = nil })
	id := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "x", "grants": []string{"action:read"}}).Map(t)["id"].(string)
	r := a.Do(http.MethodPost, "/v1/tokens/"+id+"/signin-links", nil)
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "no sign-in links") {
		t.Fatalf("answered %d %s, want a 503 that says why", r.Status, r.Body)
	}
	if _, _, err := a.Server.RedeemSignInLink(context.Background(), strings.Repeat("A", 43)); err == nil {
		t.Fatal("redeeming without a keeper answered no error")
	}
}

func TestTwoBrowsersRacingForOneLinkGetInOnce(t *testing.T) {
	a := startAPI(t)
	id := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"label": "x", "grants": []string{"action:read"}}).Map(t)["id"].(string)
	for range 3 {
		code := codeOf(t, signInLink(a, id))
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, ok, err := a.Server.RedeemSignInLink(context.Background(), code); ok && err == nil {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("%d racing redemptions got in, want 1", wins.Load())
		}
	}
}

// Failed sign-ins through the dashboard and wrong tokens sent to the API
// empty one bucket per address.
func TestFailedSignInsShareTheAddressesRateLimitWithWrongTokens(t *testing.T) {
	a := startAPIWith(t, func(d *api.Deps) { d.Limits = &api.Limits{Rate: 0.01, Burst: 3, RequestTimeout: time.Minute} })
	for range 2 {
		if r := a.DoAs("cxt_guess", http.MethodGet, "/v1/program", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong token answered %d", r.Status)
		}
	}
	from := func(addr string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/signin/link/x", nil)
		r.RemoteAddr = addr
		return r
	}
	req := from("127.0.0.1:50000")
	if _, limited := a.Server.SignInFailed(req); limited {
		t.Fatal("the third failure of a burst of three was limited")
	}
	wait, limited := a.Server.SignInFailed(req)
	if !limited || wait <= 0 {
		t.Fatalf("the fourth failure answered %v %s, want limited with a wait", limited, wait)
	}
	if r := a.DoAs("cxt_guess", http.MethodGet, "/v1/program", nil); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after failed sign-ins a wrong token answered %d, want 429", r.Status)
	}
	if _, limited := a.Server.SignInFailed(from("192.0.2.7:40000")); limited {
		t.Fatal("another address was limited too")
	}
}

func TestTheSignInLinkLifetimeIsTheBucketsTTL(t *testing.T) {
	if api.SignInLinkLifetime != jetstream.SignInLinkLifetime {
		t.Fatalf("links work for %s but the bucket keeps them %s", api.SignInLinkLifetime, jetstream.SignInLinkLifetime)
	}
}
