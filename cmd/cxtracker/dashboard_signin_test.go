package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTheDashboardSignsInWithATokenAndHoldsAStrictCookie(t *testing.T) {
	m, admin := demoTracker(t)
	token, name := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())

	if a := b.get("/decisions"); a.Status != http.StatusSeeOther || a.Location != "/signin?next=/decisions" {
		t.Fatalf("a page without a session answered %d to %q", a.Status, a.Location)
	}
	if a := b.post("/signin", url.Values{"token": {"cxt_not-a-token"}}); a.Status != http.StatusUnauthorized || !strings.Contains(a.Body, "unknown or has been revoked") {
		t.Fatalf("a wrong token answered %d: %s", a.Status, a.Body)
	}
	a := b.signIn(token)
	cookie := a.Header.Get("Set-Cookie")
	for _, want := range []string{"cx_session=", "HttpOnly", "SameSite=Strict", "Max-Age=43200", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("a cookie over plain HTTP is marked Secure: %q", cookie)
	}
	if strings.Contains(cookie, token) {
		t.Error("the cookie holds the token")
	}
	page := b.get("/")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, name) || !strings.Contains(page.Body, "Quality council") {
		t.Fatalf("overview answered %d without the person's name %q: %s", page.Status, name, page.Body)
	}
	csp := page.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestASessionIsSecureBehindATLSProxy(t *testing.T) {
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	req, _ := http.NewRequest(http.MethodPost, b.base+"/signin", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	if a := b.do(req); !strings.Contains(a.Header.Get("Set-Cookie"), "Secure") {
		t.Fatalf("cookie behind TLS %q is not Secure", a.Header.Get("Set-Cookie"))
	}
}

func TestSigningOutEndsTheSessionOnTheServer(t *testing.T) {
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	stolen := b.http.Jar.Cookies(mustURL(b.base))
	if a := b.post("/signout", url.Values{"_csrf": {"wrong"}}); a.Status != http.StatusForbidden {
		t.Fatalf("sign-out without the form's token answered %d", a.Status)
	}
	csrf := b.csrf("/")
	if a := b.post("/signout", url.Values{"_csrf": {csrf}}); a.Status != http.StatusSeeOther {
		t.Fatalf("sign-out answered %d", a.Status)
	}
	// The old cookie, replayed, opens nothing: the session is gone on the
	// server, not only in the browser.
	other := newBrowserSession(t, b.base)
	other.http.Jar.SetCookies(mustURL(b.base), stolen)
	if a := other.get("/"); a.Status != http.StatusSeeOther {
		t.Fatalf("a signed-out session's cookie still opens the overview: %d", a.Status)
	}
}

func TestARevokedTokenEndsItsSessionsAtOnce(t *testing.T) {
	m, admin := demoTracker(t)
	ctx := context.Background()
	var issued struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	var people struct {
		Items []deskPerson `json:"items"`
	}
	if err := admin.do(ctx, http.MethodGet, "/v1/people?limit=500", nil, &people); err != nil {
		t.Fatal(err)
	}
	if err := admin.do(ctx, http.MethodPost, "/v1/tokens", map[string]any{"person_id": people.Items[0].ID}, &issued); err != nil {
		t.Fatal(err)
	}
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(issued.Token)
	if a := b.get("/"); a.Status != http.StatusOK {
		t.Fatalf("overview answered %d", a.Status)
	}
	if err := admin.do(ctx, http.MethodDelete, "/v1/tokens/"+issued.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if a := b.get("/"); a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/signin") {
		t.Fatalf("after revocation the overview answered %d to %q", a.Status, a.Location)
	}
}

func TestTheSignInPageGoesOnlyToPagesOfThisSite(t *testing.T) {
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		a := b.post("/signin", url.Values{"token": {token}, "next": {next}})
		if a.Location != "/" {
			t.Errorf("next=%q sent the browser to %q", next, a.Location)
		}
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
