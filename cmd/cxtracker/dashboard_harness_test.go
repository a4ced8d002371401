package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

// demoNow is the time the dashboard tests' trackers read: the demo's year
// ends at demoAt, and the pages are drawn a day later.
var demoNow = events.FixedClock(mustTime(demoAt).Add(24 * time.Hour))

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// demoTracker runs a tracker on a data directory the demo was loaded into,
// its clock pinned, and answers it with a client holding the admin token.
// Options change the tracker's configuration further.
func demoTracker(t testing.TB, options ...func(*Config)) (*Main, *client) {
	t.Helper()
	dir := t.TempDir()
	code, _, stderr := run2(t, "demo", "--data", dir, "--feedback", demoFeedback, "--seed", "1", "--now", demoAt)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	m := startMain(t, func(c *Config) {
		c.Data = dir
		c.Clock = demoNow
		for _, o := range options {
			o(c)
		}
	})
	return m, newClient("http://"+m.HTTPAddr(), adminTokenOf(t, m))
}

func run2(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(args, func(string) string { return "" }, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// personToken issues a token for the first person the predicate picks
// among the program's people, and answers the token and the person's name.
func personToken(t testing.TB, c *client, pick func(p deskPerson) bool) (token, name string) {
	t.Helper()
	ctx := context.Background()
	var people struct {
		Items []deskPerson `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/people?limit=500", nil, &people); err != nil {
		t.Fatal(err)
	}
	for _, p := range people.Items {
		if !pick(p) {
			continue
		}
		var issued struct {
			Token string `json:"token"`
		}
		if err := c.do(ctx, http.MethodPost, "/v1/tokens", map[string]any{"person_id": p.ID, "label": "dashboard test"}, &issued); err != nil {
			t.Fatal(err)
		}
		return issued.Token, p.Name
	}
	t.Fatal("no person in the demo fits")
	return "", ""
}

// deskPerson is a person as GET /v1/people shows them, with the roles the
// tests pick by.
type deskPerson struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Roles struct {
		CXManager bool `json:"cx_manager"`
		Council   *struct {
			Chair bool `json:"chair"`
		} `json:"council"`
		Ambassador *struct{} `json:"ambassador"`
	} `json:"roles"`
}

func councilMember(p deskPerson) bool { return p.Roles.Council != nil && !p.Roles.Council.Chair }
func councilChair(p deskPerson) bool  { return p.Roles.Council != nil && p.Roles.Council.Chair }
func cxManager(p deskPerson) bool     { return p.Roles.CXManager }
func ambassador(p deskPerson) bool {
	return p.Roles.Ambassador != nil && p.Roles.Council == nil && !p.Roles.CXManager
}

// browserSession is a browser without a browser: a cookie jar that does
// not follow redirects, so a test sees each answer.
type browserSession struct {
	t    testing.TB
	base string
	http *http.Client
}

func newBrowserSession(t testing.TB, base string) *browserSession {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browserSession{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// pageAnswer is one answer to a browserSession.
type pageAnswer struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func (b *browserSession) do(req *http.Request) pageAnswer {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return pageAnswer{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Location: resp.Header.Get("Location")}
}

func (b *browserSession) get(path string) pageAnswer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browserSession) post(path string, form url.Values) pageAnswer {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signIn signs in with token and fails the test unless it worked.
func (b *browserSession) signIn(token string) pageAnswer {
	b.t.Helper()
	a := b.post("/signin", url.Values{"token": {token}, "next": {"/"}})
	if a.Status != http.StatusSeeOther || a.Location != "/" {
		b.t.Fatalf("sign-in answered %d to %q: %s", a.Status, a.Location, a.Body)
	}
	return a
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf is the form token on the page at path.
func (b *browserSession) csrf(path string) string {
	b.t.Helper()
	a := b.get(path)
	m := csrfField.FindStringSubmatch(a.Body)
	if m == nil {
		b.t.Fatalf("no _csrf field on %s (%d): %s", path, a.Status, a.Body)
	}
	return m[1]
}
