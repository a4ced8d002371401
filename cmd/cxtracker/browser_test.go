package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTheDashboardInARealBrowser signs a council member in through the form
// of a real headless Chromium on the demo's data and walks the pages.
func TestTheDashboardInARealBrowser(t *testing.T) {
	m, admin := demoTracker(t)
	base := "http://" + m.HTTPAddr()
	browser := newBrowser(t)
	member, name := personToken(t, admin, councilMember)

	tab := newTab(t, browser, base)
	tab.open("/")
	if got := evalIn[string](tab, "location.pathname"); got != "/signin" {
		t.Fatalf("without a session the overview went to %q", got)
	}
	tab.signIn(member)

	t.Run("overview", func(t *testing.T) {
		tab.open("/")
		if got := tab.text("header .who span"); got != name {
			t.Errorf("header names %q, want %q", got, name)
		}
		if got := tab.text("main h1"); got != "Program overview" {
			t.Errorf("h1 %q", got)
		}
		if n := evalIn[int](tab, "document.querySelectorAll('svg.spark').length"); n != 3 {
			t.Errorf("%d sparklines, want NPS, CSAT and CES", n)
		}
		tab.screenshot("overview")
	})

	t.Run("every page of the menu", func(t *testing.T) {
		tab.open("/")
		links := evalIn[[]string](tab, "Array.from(document.querySelectorAll('nav[aria-label=Main] a')).map(a => a.getAttribute('href'))")
		if len(links) < 7 {
			t.Fatalf("the menu has %d links: %v", len(links), links)
		}
		for _, href := range links {
			tab.do("follow "+href, chromedp.Click(chromedp.CSS("nav[aria-label=Main] a[href='"+href+"']")),
				chromedp.WaitVisible(chromedp.CSS("nav a[aria-current=page][href='"+href+"']")))
			if h1 := tab.text("main h1"); h1 == "" || strings.Contains(h1, "rror") {
				t.Errorf("%s shows %q", href, h1)
			}
			// Every field has a label, and every chart a text alternative.
			unlabelled := evalIn[[]string](tab, `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
				.filter(f => f.labels.length === 0 && !f.getAttribute("aria-label") && !f.getAttribute("aria-labelledby"))
				.map(f => f.outerHTML.slice(0, 120))`)
			if len(unlabelled) > 0 {
				t.Errorf("%s has fields without a label: %v", href, unlabelled)
			}
			if n := evalIn[int](tab, `document.querySelectorAll("svg:not([aria-label]):not([aria-hidden=true])").length`); n > 0 {
				t.Errorf("%s has %d pictures without a text alternative", href, n)
			}
		}
	})

	t.Run("from the journey map into a touchpoint", func(t *testing.T) {
		tab.open("/journeys")
		tab.do("wait for the map", chromedp.WaitVisible(chromedp.ID("journey-map")))
		cells := evalIn[int](tab, "document.querySelectorAll('a.tp-cell').length")
		if cells < 10 {
			t.Fatalf("the map shows %d touchpoints", cells)
		}
		tab.screenshot("journey-map")
		name := tab.text("a.tp-cell .tp-name")
		tab.do("open the first touchpoint", chromedp.Click(chromedp.CSS("a.tp-cell")), chromedp.WaitVisible(chromedp.ID("touchpoint")))
		if h1 := tab.text("main h1"); !strings.Contains(h1, name) {
			t.Errorf("the touchpoint page is titled %q, not after %q", h1, name)
		}
		if crew := tab.text("#owner-crew"); crew == "" {
			t.Error("the touchpoint names no owner crew")
		}
		if n := evalIn[int](tab, "document.querySelectorAll('#trend svg.chart').length"); n == 0 {
			t.Error("the touchpoint has no trend chart")
		}
	})

	t.Run("a forbidden action shows the person's roles", func(t *testing.T) {
		// Closing follow-ups is the CX team's: a council member who tries
		// gets the 403 page, which names the roles they hold.
		tab.open("/follow-ups")
		tab.do("close a follow-up",
			chromedp.SendKeys(chromedp.CSS("form.close-form textarea"), "Called the customer back"),
			chromedp.Submit(chromedp.CSS("form.close-form textarea")),
			chromedp.WaitVisible(chromedp.CSS(".error-page")),
		)
		page := tab.text("main")
		if !strings.Contains(page, "You may not do this") || !strings.Contains(page, "quality council member") {
			t.Errorf("the 403 page does not name the roles: %q", page)
		}
		if status := evalIn[string](tab, "document.querySelector('.error-page').dataset.status"); status != "403" {
			t.Errorf("status %s", status)
		}
	})

	t.Run("a decision reaches another session's timeline without a reload", func(t *testing.T) {
		// The member watches the timeline while the chair, in a browser of
		// her own, votes and decides.
		tab.open("/decisions")
		tab.do("wait for the timeline", chromedp.WaitVisible(chromedp.ID("timeline")))
		before := evalIn[int](tab, "document.querySelectorAll('#timeline li.decision').length")
		tab.screenshot("decision-timeline")

		chairToken, _ := personToken(t, admin, councilChair)
		chair := newTab(t, browser, base)
		chair.signIn(chairToken)
		chair.open("/initiatives")
		id := evalIn[string](chair, `(Array.from(document.querySelectorAll("[data-status=proposed] li.initiative")).find(li => li.textContent.includes("Pay referral rewards on time")) || {dataset: {}}).dataset.initiative || ""`)
		if id == "" {
			t.Fatal("the board shows no proposed initiative “Pay referral rewards on time”")
		}
		chair.do("open the initiative", chromedp.Click(chromedp.CSS("li.initiative[data-initiative='"+id+"'] a")), chromedp.WaitVisible(chromedp.ID("vote-form")))
		chair.do("vote",
			chromedp.Click(chromedp.ID("vote-approve")),
			chromedp.SendKeys(chromedp.ID("vote-comment"), "Late rewards cost us referrals."),
			chromedp.Click(chromedp.CSS("#vote-form button[type=submit]")),
		)
		chair.waitFor("the quorum after the chair's vote", "(document.getElementById('quorum') || {textContent: ''}).textContent.includes('Quorum met')", 5*time.Second)
		chair.do("decide",
			chromedp.SetValue(chromedp.ID("decide-outcome"), "approved"),
			chromedp.SendKeys(chromedp.ID("decide-rationale"), "Quorum approves; finance owns the fix."),
			chromedp.Click(chromedp.CSS("#decide-form button[type=submit]")),
		)
		chair.waitFor("the decision on the chair's page", "document.querySelector('#decision[data-outcome=approved]') !== null", 5*time.Second)

		start := time.Now()
		tab.waitFor("the decision on the member's timeline", "document.querySelector(\"#timeline li.decision[data-initiative='"+id+"']\") !== null", 5*time.Second)
		t.Logf("the member's timeline showed the decision %s after the chair's page did", time.Since(start).Round(time.Millisecond))
		if after := evalIn[int](tab, "document.querySelectorAll('#timeline li.decision').length"); after != before+1 {
			t.Errorf("the timeline went from %d to %d decisions", before, after)
		}
		if text := tab.text("#timeline li.decision[data-initiative='" + id + "']"); !strings.Contains(text, "Late rewards cost us referrals.") {
			t.Errorf("the decision on the timeline lacks the chair's vote comment: %q", text)
		}
		if reloaded := evalIn[bool](tab, "performance.getEntriesByType('navigation').length !== 1"); reloaded {
			t.Error("the member's page reloaded")
		}
	})

	t.Run("live", func(t *testing.T) {
		tab.open("/")
		tab.waitFor("the live script to connect", "document.getElementById('main').dataset.liveAfter !== undefined", 5*time.Second)
		// Another person changes the program: the page redraws itself
		// without a reload, within a second.
		ctx := context.Background()
		if err := admin.do(ctx, http.MethodPost, "/v1/people", map[string]any{"name": "Live Test", "email": "live.test@example.com", "department": "Legal"}, nil); err != nil {
			t.Fatal(err)
		}
		tab.waitFor("the overview to show the new department's gap", "document.getElementById('main').textContent.includes('Legal department has no CX ambassador')", 3*time.Second)
		if reloaded := evalIn[bool](tab, "performance.getEntriesByType('navigation').length !== 1"); reloaded {
			t.Error("the page reloaded")
		}
	})

	t.Run("a decision recorded days after it was taken says when it was recorded", func(t *testing.T) {
		// The admin records today a decision the chair took a week ago:
		// proposed and decided back-dated, each through occurred_at.
		ctx := context.Background()
		var council struct {
			Chair *struct {
				PersonID string `json:"person_id"`
			} `json:"chair"`
		}
		admin.must(t, "/v1/council", &council)
		if council.Chair == nil {
			t.Fatal("the demo's council has no chair")
		}
		proposed, decided := demoNow().Add(-8*24*time.Hour), demoNow().Add(-7*24*time.Hour)
		var in struct {
			ID string `json:"id"`
		}
		if err := admin.doAt(ctx, proposed, http.MethodPost, "/v1/initiatives",
			obj{"title": "Answer the phone in a minute", "problem": "callers wait", "person_id": council.Chair.PersonID}, &in); err != nil {
			t.Fatal(err)
		}
		if err := admin.doAt(ctx, decided, http.MethodPost, "/v1/initiatives/"+in.ID+"/decision",
			obj{"outcome": "deferred", "rationale": "decided at the meeting, typed in later", "person_id": council.Chair.PersonID}, nil); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Items []struct {
				InitiativeID string `json:"initiative_id"`
				Decision     struct {
					OccurredAt time.Time `json:"occurred_at"`
					RecordedAt time.Time `json:"recorded_at"`
				} `json:"decision"`
			} `json:"items"`
		}
		admin.must(t, "/v1/council/decisions?limit=500", &log)
		var recorded time.Time
		for _, d := range log.Items {
			if d.InitiativeID == in.ID {
				if !d.Decision.OccurredAt.Equal(decided) {
					t.Errorf("the decision log dates it %v, want %v", d.Decision.OccurredAt, decided)
				}
				recorded = d.Decision.RecordedAt
			}
		}
		if recorded.Sub(decided) <= 24*time.Hour {
			t.Fatalf("the decision log says it was recorded %v, want more than a day after %v", recorded, decided)
		}
		want := "(recorded " + recorded.UTC().Format("2 Jan 2006") + ")"
		entry := "#timeline li.decision[data-initiative='" + in.ID + "']"
		tab.open("/decisions")
		tab.do("wait for the timeline", chromedp.WaitVisible(chromedp.CSS(entry)))
		if got := tab.text(entry + " .recorded-late"); got != want {
			t.Errorf("the timeline's entry says %q beside its date, want %q", got, want)
		}
		if got := tab.text(entry + " p.muted"); !strings.Contains(got, decided.Format("2 Jan 2006")) {
			t.Errorf("the timeline's entry %q does not say it was decided %s", got, decided.Format("2 Jan 2006"))
		}
		tab.open("/initiatives/" + in.ID)
		tab.do("wait for the history", chromedp.WaitVisible(chromedp.ID("history")))
		if n := evalIn[int](tab, "document.querySelectorAll('#history .recorded-late').length"); n != 2 {
			t.Errorf("the history marks %d events as recorded late, want the proposal and the decision", n)
		}
	})

	t.Run("phone width", func(t *testing.T) {
		tab.do("narrow the window", chromedp.EmulateViewport(390, 844))
		defer tab.do("widen the window", chromedp.EmulateViewport(1280, 900))
		for _, path := range []string{"/", "/journeys", "/decisions", "/initiatives", "/follow-ups", "/kpis", "/audit"} {
			tab.open(path)
			if w := evalIn[int](tab, "document.documentElement.scrollWidth"); w > 390 {
				t.Errorf("%s is %d px wide on a 390 px phone", path, w)
			}
		}
		// Each live page opened a stream; the pages left let theirs go, so
		// a person browsing holds one stream (and the browser's six
		// connections to a site are not used up by pages nobody sees).
		if open := m.api.OpenStreams(); open > 1 {
			t.Errorf("%d event streams open after browsing in one tab", open)
		}
	})

	t.Run("sign out", func(t *testing.T) {
		tab.do("sign out", chromedp.Click(chromedp.CSS("header .who button")), chromedp.WaitVisible(chromedp.ID("token")))
		if !strings.Contains(tab.text("main"), "signed out") {
			t.Error("no word that the person signed out")
		}
	})
}
