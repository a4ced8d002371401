package main

import (
	"net/http"
	"regexp"
	"testing"
)

var (
	navLink        = regexp.MustCompile(`<nav aria-label="Main">(?s:(.*?))</nav>`)
	hrefOf         = regexp.MustCompile(`href="([^"]+)"`)
	assetOf        = regexp.MustCompile(`<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/[^"]+)"`)
	touchpointPath = regexp.MustCompile(`href="(/journeys/[^"/]+/touchpoints/[^"?]+)"`)
	initiativePath = regexp.MustCompile(`href="(/initiatives/[0-9A-Z]{26})"`)
	accountPath    = regexp.MustCompile(`href="(/accounts/[0-9A-Z]{26})"`)
)

// dashboardPage is one page of the dashboard: its path, and its name with
// ids written as {id}, which a benchmark reports it by.
type dashboardPage struct {
	Name, Path string
}

var anID = regexp.MustCompile(`[0-9A-Z]{26}`)

// dashboardPages are the pages a signed-in person reaches: every page of
// the menu (and the page a menu entry redirects to), and the first
// touchpoint, initiative and account they link to, found the way a person finds
// them, by following links.
func dashboardPages(t testing.TB, b *browserSession) []dashboardPage {
	t.Helper()
	home := b.get("/")
	if home.Status != http.StatusOK {
		t.Fatalf("overview answered %d", home.Status)
	}
	nav := navLink.FindStringSubmatch(home.Body)
	if nav == nil {
		t.Fatal("the overview has no main menu")
	}
	var pages []dashboardPage
	seen := map[string]bool{}
	add := func(path string) {
		name := anID.ReplaceAllString(path, "{id}")
		if !seen[name] {
			seen[name] = true
			pages = append(pages, dashboardPage{Name: name, Path: path})
		}
	}
	var menu []string
	for _, m := range hrefOf.FindAllStringSubmatch(nav[1], -1) {
		menu = append(menu, m[1])
	}
	for _, p := range menu {
		add(p)
		a := b.get(p)
		if a.Status == http.StatusSeeOther && a.Location != "" {
			add(a.Location)
			a = b.get(a.Location)
		}
		for _, re := range []*regexp.Regexp{touchpointPath, initiativePath, accountPath} {
			if m := re.FindStringSubmatch(a.Body); m != nil {
				add(m[1])
			}
		}
	}
	return pages
}

// pageWeight is the bytes of a page and of every asset it loads.
func pageWeight(t testing.TB, b *browserSession, path string) int {
	t.Helper()
	a := b.get(path)
	if a.Status == http.StatusSeeOther {
		a = b.get(a.Location)
	}
	if a.Status != http.StatusOK {
		t.Fatalf("%s answered %d", path, a.Status)
	}
	total := len(a.Body)
	for _, m := range assetOf.FindAllStringSubmatch(a.Body, -1) {
		asset := b.get(m[1])
		if asset.Status != http.StatusOK {
			t.Fatalf("%s loads %s, which answered %d", path, m[1], asset.Status)
		}
		total += len(asset.Body)
	}
	return total
}

// maxPageWeight is what a page with its assets may weigh.
const maxPageWeight = 300 << 10

func TestEveryPageWithItsAssetsWeighsUnder300KB(t *testing.T) {
	m, admin := demoTracker(t)
	token, _ := personToken(t, admin, councilMember)
	b := newBrowserSession(t, "http://"+m.HTTPAddr())
	b.signIn(token)
	pages := dashboardPages(t, b)
	if len(pages) < 7 {
		t.Fatalf("found only %d pages: %v", len(pages), pages)
	}
	for _, p := range pages {
		if w := pageWeight(t, b, p.Path); w > maxPageWeight {
			t.Errorf("%s weighs %d KB with its assets, over %d KB", p.Path, w>>10, maxPageWeight>>10)
		}
	}
}
