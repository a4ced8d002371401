package main

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signInLinkLine is the line `token issue --link` prints after the token.
var signInLinkLine = regexp.MustCompile(`^sign-in link \(works once, until (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\): (http://\S+/signin/link/[A-Za-z0-9_-]{43})$`)

// issueWithLink runs `token issue --person ID --link` against m and answers
// the token and the link it printed, and when the link expires.
func issueWithLink(t *testing.T, m *Main, person string) (token, link string, expires time.Time) {
	t.Helper()
	code, stdout, stderr := cli(t, nil, "token", "issue", "--person", person, "--link", "--server", "http://"+m.HTTPAddr(), "--data", m.Config.Data)
	if code != 0 {
		t.Fatalf("token issue --link exited %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "cxt_") {
		t.Fatalf("stdout %q is not the token and then the link", stdout)
	}
	mm := signInLinkLine.FindStringSubmatch(lines[1])
	if mm == nil {
		t.Fatalf("the second line %q is not a sign-in link", lines[1])
	}
	expires, err := time.Parse(time.DateTime, mm[1])
	if err != nil {
		t.Fatal(err)
	}
	return lines[0], mm[2], expires
}

// pathOf is the path of a printed link.
func pathOf(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// signInByLink opens the link's page on b, checks that it asks to sign in
// as name, presses its button, and fails the test unless the browser is
// then signed in as name.
func signInByLink(t testing.TB, b *browserSession, path, name string) {
	t.Helper()
	for range 2 { // looking at the page does not use the link
		a := b.get(path)
		if a.Status != http.StatusOK || !strings.Contains(a.Body, "Sign in as "+name+"?") || !strings.Contains(a.Body, `id="signin-link-form"`) ||
			!strings.Contains(a.Body, `action="`+path+`"`) {
			t.Fatalf("the link's page answered %d: %s", a.Status, a.Body)
		}
	}
	a := b.post(path, nil)
	if a.Status != http.StatusSeeOther || a.Location != "/" || !strings.Contains(a.Header.Get("Set-Cookie"), "SameSite=Strict") {
		t.Fatalf("pressing the link's button answered %d to %q (cookie %q): %s", a.Status, a.Location, a.Header.Get("Set-Cookie"), a.Body)
	}
	if a := b.get("/"); a.Status != http.StatusOK || !strings.Contains(a.Body, name) {
		t.Fatalf("after the link the overview answered %d without %q: %s", a.Status, name, a.Body)
	}
}

// checkUsedLink fails the test unless the link at path, used, answers a
// readable 410 page on a fresh browser, for both its page and its button.
func checkUsedLink(t testing.TB, base, path string) {
	t.Helper()
	b := newBrowserSession(t, base)
	for _, a := range []pageAnswer{b.get(path), b.post(path, nil)} {
		if a.Status != http.StatusGone || !strings.Contains(a.Body, "no longer works") || !strings.Contains(a.Body, `href="/signin"`) ||
			!strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("a used link answered %d %s: %s", a.Status, a.Header.Get("Content-Type"), a.Body)
		}
	}
	if a := b.get("/"); a.Status != http.StatusSeeOther {
		t.Fatalf("a used link opened a session: the overview answered %d", a.Status)
	}
}

func TestTokenIssueWithLinkPrintsALinkThatSignsInOnce(t *testing.T) {
	m := startMain(t, nil)
	person := registerPerson(t, m, "Ana Ribeiro")
	before := time.Now().UTC()
	token, link, expires := issueWithLink(t, m, person)
	if !strings.HasPrefix(link, "http://"+m.HTTPAddr()+"/signin/link/") {
		t.Fatalf("the link %q is not on the tracker's address", link)
	}
	if d := expires.Sub(before); d < 14*time.Minute || d > 16*time.Minute {
		t.Fatalf("the link expires at %s, %s after it was made, want 15 minutes", expires, d)
	}
	if code := call(t, http.MethodGet, "http://"+m.HTTPAddr()+"/v1/program", token); code != http.StatusOK {
		t.Fatalf("the token printed beside the link answered %d", code)
	}
	path := pathOf(t, link)
	base := "http://" + m.HTTPAddr()

	// A form posted to the link from another site uses nothing.
	forger := newBrowserSession(t, base)
	req, _ := http.NewRequest(http.MethodPost, base+path, nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if a := forger.do(req); a.Status != http.StatusForbidden || !strings.Contains(a.Body, "another site") {
		t.Fatalf("a cross-site post of the link answered %d: %s", a.Status, a.Body)
	}

	// A browser signed in already holds one session after the link: the
	// one it had ends.
	b := newBrowserSession(t, base)
	b.signIn(token)
	earlier := b.http.Jar.Cookies(mustURL(base))
	signInByLink(t, b, path, "Ana Ribeiro")
	replay := newBrowserSession(t, base)
	replay.http.Jar.SetCookies(mustURL(base), earlier)
	if a := replay.get("/"); a.Status != http.StatusSeeOther {
		t.Fatalf("the session the browser had before the link still opens the overview: %d", a.Status)
	}
	checkUsedLink(t, base, path)

	if code, _, stderr := cli(t, nil, "token", "--help"); code != 0 || !strings.Contains(stderr, "--link") || !strings.Contains(stderr, "15 minutes") {
		t.Fatalf("the usage does not tell of --link: %s", stderr)
	}
}

// demoSignInLine is a person's line under the demo's sign-in links.
var demoSignInLine = regexp.MustCompile(`(?m)^  ([^,\n]+), ([^:\n]+): (http://\S+/signin/link/[A-Za-z0-9_-]{43})$`)

// The demo loaded into a data directory ends with sign-in links for the
// council's chair and the CX manager, on the address `serve` will listen
// on; they work once that directory is served.
func TestTheDemoEndsWithSignInLinksForTheChairAndTheCXManager(t *testing.T) {
	dir := t.TempDir()
	stdout := loadDemoInto(t, dir, "1")
	if !strings.Contains(stdout, "sign in to the dashboard (each link works once, until ") ||
		!strings.Contains(stdout, "cxtracker serve --data "+dir) {
		t.Fatalf("the demo does not end with sign-in links: %s", stdout)
	}
	found := demoSignInLine.FindAllStringSubmatch(stdout, -1)
	want := [][2]string{{nameOf(demoCouncil[0]), "chair of the quality council"}, {"Marco Bianchi", "CX manager"}}
	if len(found) != len(want) {
		t.Fatalf("%d sign-in links, want %d: %s", len(found), len(want), stdout)
	}
	m := startMain(t, func(c *Config) { c.Data = dir })
	base := "http://" + m.HTTPAddr()
	for i, f := range found {
		if f[1] != want[i][0] || f[2] != want[i][1] || !strings.HasPrefix(f[3], "http://127.0.0.1:8080/signin/link/") {
			t.Fatalf("link %d is for %q (%q) at %q, want %v on serve's default address", i, f[1], f[2], f[3], want[i])
		}
		signInByLink(t, newBrowserSession(t, base), pathOf(t, f[3]), f[1])
		checkUsedLink(t, base, pathOf(t, f[3]))
	}
}

// Wrong tokens and unknown links empty one bucket per address, the API's:
// past it, the sign-in page and the link's page both say to wait, as pages.
func TestRepeatedBadSignInsFromOneAddressGetATooManyAttemptsPage(t *testing.T) {
	m := startMain(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.01, 3 })
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	bad := "/signin/link/" + strings.Repeat("A", 43)
	for range 2 {
		if a := b.post("/signin", url.Values{"token": {"cxt_guess"}}); a.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong token answered %d", a.Status)
		}
	}
	if a := b.get(bad); a.Status != http.StatusGone {
		t.Fatalf("an unknown link answered %d: %s", a.Status, a.Body)
	}
	for _, a := range []pageAnswer{b.get(bad), b.post(bad, nil), b.post("/signin", url.Values{"token": {"cxt_guess"}})} {
		if a.Status != http.StatusTooManyRequests || !strings.Contains(a.Body, "Too many sign-in attempts") ||
			!strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("past the limit a sign-in answered %d %s: %s", a.Status, a.Header.Get("Content-Type"), a.Body)
		}
	}
	if a := b.get(bad); a.Header.Get("Retry-After") == "" {
		t.Fatal("the link's 429 page has no Retry-After")
	}
}

// A link made on one tracker signs in on another on the same log, once.
func TestASignInLinkMadeOnOneTrackerSignsInOnAnother(t *testing.T) {
	ext := plainNATS(t)
	first := startMain(t, func(c *Config) { c.NATSURL = ext.ClientURL() })
	second := startMain(t, func(c *Config) { c.NATSURL = ext.ClientURL() })
	person := registerPerson(t, first, "Rui Costa")
	_, link, _ := issueWithLink(t, first, person)
	path := pathOf(t, link)
	signInByLink(t, newBrowserSession(t, "http://"+second.HTTPAddr()), path, "Rui Costa")
	checkUsedLink(t, "http://"+first.HTTPAddr(), path)
}

func TestServePrintsTheDashboardsAddress(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve", "--data", t.TempDir(), "--http", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stderr)
	var dashboard string
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "dashboard: "); ok {
			dashboard = rest
			break
		}
	}
	go func() {
		for lines.Scan() {
		}
	}()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(dashboard) {
		t.Fatalf("serve printed the dashboard at %q", dashboard)
	}
	b := newBrowserSession(t, strings.TrimSuffix(dashboard, "/"))
	if a := b.get("/"); a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Location, "/signin") {
		t.Fatalf("the dashboard's address answered %d to %q", a.Status, a.Location)
	}
}

func TestAnAddressOnEveryInterfaceIsOpenedOnLocalhost(t *testing.T) {
	for in, want := range map[string]string{
		":8080": "localhost:8080", "0.0.0.0:8080": "localhost:8080", "[::]:9000": "localhost:9000",
		"127.0.0.1:8080": "127.0.0.1:8080", "[::1]:8080": "[::1]:8080", "tracker.example:80": "tracker.example:80",
	} {
		if got := browsable(in); got != want {
			t.Errorf("browsable(%q) = %q, want %q", in, got, want)
		}
	}
	if got := serveBase(func(k string) string { return map[string]string{"CXTRACKER_HTTP": ":9090"}[k] }); got != "http://localhost:9090" {
		t.Errorf("serveBase with CXTRACKER_HTTP=:9090 is %q", got)
	}
}
