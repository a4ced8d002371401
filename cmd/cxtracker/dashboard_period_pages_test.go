package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The pages the council and the CX team open every week, on the scripted
// past of periodMapTracker (drawn on 16 Jul 2026): a touchpoint's own
// figures for a period, the overview's movers of the last quarter, the
// segment chooser's complete list, and the overview, map and decision log
// as they stood on a past day.
func TestTheWeeklyPagesReadPeriodsMoversAndThePast(t *testing.T) {
	m, admin, j, falling, steady, quiet := periodMapTracker(t)
	base := "http://" + m.HTTPAddr()
	token, _ := personToken(t, admin, councilMember)
	tab := newTab(t, newBrowser(t), base)
	tab.signIn(token)
	mapPath := "/journeys/" + j.ID
	tpPath := func(id string) string { return mapPath + "/touchpoints/" + id }
	figure := func(metric string) string { return tab.text(`#tp-period li[data-metric=` + metric + `]`) }
	changeOf := func(metric string) string {
		return evalIn[string](tab, `document.querySelector('#tp-period li[data-metric=`+metric+`] [data-change]').dataset.change`)
	}

	// 1. A touchpoint's own figures: the last quarter beside the one
	// before, with margins, counts and the map's words.
	tab.open(tpPath(falling))
	if f := figure("nps"); !strings.Contains(f, "NPS -25.0") || !strings.Contains(f, "± 25.7") || !strings.Contains(f, "40 responses") ||
		!strings.Contains(f, "Before: 75.0 ± 13.4 from 40 responses") || !strings.Contains(f, "▼ fell beyond the noise") || changeOf("nps") != "worse" {
		t.Errorf("the portal's NPS reads %q (%s)", f, changeOf("nps"))
	}
	if f := figure("csat"); !strings.Contains(f, "no responses") {
		t.Errorf("the portal's CSAT reads %q", f)
	}
	if shown := tab.text("#period-shown"); !strings.Contains(shown, "1 Apr 2026 to 30 Jun 2026") {
		t.Errorf("the touchpoint shows %q", shown)
	}
	// The chooser keeps the period in the address, and the trend's
	// granularity keeps it too.
	tab.do("choose last month", chromedp.Click(chromedp.CSS(`#period-chooser nav li:nth-child(2) a`)))
	tab.waitFor("June in the address", `location.search.includes("from=2026-06-01") && location.search.includes("to=2026-06-30")`, 5*time.Second)
	if f := figure("nps"); !strings.Contains(f, "-25.0") || !strings.Contains(f, "Before: no responses") || changeOf("nps") != "unknown" {
		t.Errorf("in June the portal reads %q", f)
	}
	tab.do("trend by week", chromedp.Click(chromedp.CSS(`#trend nav li:nth-child(2) a`)))
	tab.waitFor("weeks and June in the address", `location.search.includes("period=week") && location.search.includes("from=2026-06-01")`, 5*time.Second)
	if cur := tab.text(`#period-chooser a[aria-current=page]`); cur != "Last month" {
		t.Errorf("by week, the chooser marks %q", cur)
	}
	// Too few responses are said to be so.
	tab.open(tpPath(quiet))
	if f := figure("nps"); !strings.Contains(f, "too few responses") || !strings.Contains(f, "5 responses") || strings.Contains(f, "100.0") {
		t.Errorf("the kiosk's NPS reads %q", f)
	}
	// A segment, chosen on the page, stays in the address.
	tab.open(tpPath(steady) + "?from=2026-04-01&to=2026-06-30")
	tab.do("choose the enterprise segment",
		chromedp.SetValue(chromedp.ID("period-segment"), "enterprise"),
		chromedp.Submit(chromedp.ID("period-segment")))
	tab.waitFor("the segment in the address", `location.search.includes("segment=enterprise") && location.search.includes("from=2026-04-01")`, 5*time.Second)
	if f := figure("nps"); !strings.Contains(f, "54.3") || !strings.Contains(f, "35 responses") {
		t.Errorf("the enterprise segment's desk reads %q", f)
	}
	// 3. The chooser offers every segment, not those of the period's
	// first items: the kiosk's pilot programme answered in May only.
	tab.open(tpPath(steady) + "?from=2026-02-01&to=2026-02-28")
	if opts := evalIn[[]string](tab, `Array.from(document.querySelectorAll('#period-segment option')).map(o => o.value)`); !strings.Contains(strings.Join(opts, " "), "pilot_programme") {
		t.Errorf("February's chooser offers %v", opts)
	}
	tab.open(tpPath(falling) + "?from=2026-02-30&to=2026-03-10")
	if msg := tab.text("#period-problem"); !strings.Contains(msg, `"2026-02-30" is not a date`) {
		t.Errorf("a bad date on a touchpoint says %q", msg)
	}

	// 2. The overview's movers: the last quarter against the one before,
	// each linked to its touchpoint on that quarter.
	tab.open("/")
	if p := tab.text("#movers"); !strings.Contains(p, "1 Jan 2026 to 31 Mar 2026 to 1 Apr 2026 to 30 Jun 2026") {
		t.Errorf("the movers panel says %q", p)
	}
	fallers := strings.Join(evalIn[[]string](tab, `Array.from(document.querySelectorAll('#fallers tr[data-change]')).map(r => r.dataset.change + ' ' + r.querySelector('a').getAttribute('href'))`), "\n")
	quarter := "?from=2026-04-01&to=2026-06-30"
	if !strings.Contains(fallers, "worse "+tpPath(falling)+quarter) || !strings.Contains(fallers, "noise "+tpPath(steady)+quarter) || strings.Contains(fallers, quiet) {
		t.Errorf("the overview's fallers are\n%s", fallers)
	}
	tab.do("open the falling portal", chromedp.Click(chromedp.CSS(`#fallers a[href="`+tpPath(falling)+quarter+`"]`)))
	tab.waitFor("the portal's page", `location.pathname.endsWith("`+falling+`")`, 5*time.Second)
	if f := figure("nps"); !strings.Contains(f, "-25.0") || !strings.Contains(tab.text("#period-shown"), "1 Apr 2026 to 30 Jun 2026") {
		t.Errorf("the mover's link shows %q", f)
	}

	// 4. The past: the overview as it stood on 15 January, chosen on the
	// page.
	tab.open("/")
	responsesNow := headlineCount(t, tab)
	tab.do("look back to 15 January",
		chromedp.SetValue(chromedp.ID("as-of-day"), "2026-01-15"),
		chromedp.Submit(chromedp.ID("as-of-day")))
	tab.waitFor("the day in the address", `location.search.includes("as_of=2026-01-15")`, 5*time.Second)
	if b := tab.text("#as-of-banner"); !strings.Contains(b, "As it stood on 15 Jan 2026") || !strings.Contains(b, "back to today") {
		t.Errorf("the banner says %q", b)
	}
	if p := tab.text("#movers"); !strings.Contains(p, "1 Oct 2025 to 31 Dec 2025") || strings.Contains(p, "Falling portal") {
		t.Errorf("on 15 January the movers panel says %q", p)
	}
	if then := headlineCount(t, tab); then >= responsesNow || then == 0 {
		t.Errorf("on 15 January the headline counts %d responses, now %d", then, responsesNow)
	}
	tab.do("back to today", chromedp.Click(chromedp.CSS(`#as-of-banner a`)))
	tab.waitFor("today", `!location.search.includes("as_of") && !document.querySelector("#as-of-banner")`, 5*time.Second)

	// The journey map on that day: its default period is the quarter
	// before, the touchpoints added since are not on it, and its links
	// stay on the day.
	tab.open(mapPath + "?as_of=2026-01-15")
	if shown := tab.text("#period-shown"); !strings.Contains(shown, "1 Oct 2025 to 31 Dec 2025") || !strings.Contains(tab.text("#as-of-banner"), "15 Jan 2026") {
		t.Errorf("the map on 15 January shows %q", shown)
	}
	if n := evalIn[int](tab, `document.querySelectorAll('a.tp-cell[data-touchpoint="`+falling+`"]').length`); n != 0 {
		t.Errorf("the portal, added on 16 July, is on the map of 15 January")
	}
	if n := evalIn[int](tab, `Array.from(document.querySelectorAll('#period-chooser nav a')).filter(a => !a.href.includes("as_of=2026-01-15")).length + document.querySelectorAll('#period-form input[name=as_of][value="2026-01-15"]').length`); n != 1 {
		t.Errorf("the map's chooser leaves the day (%d)", n-1)
	}

	// A chain of links on that day stays on it: the overview's menu to the
	// map, a cell to its touchpoint (whose default period is the quarter
	// before the day), back to the map, the menu to the decision log.
	onDay := ` && location.search.includes("as_of=2026-01-15") && document.querySelector("#as-of-banner")`
	tab.open("/?as_of=2026-01-15")
	tab.do("the menu's journey map", chromedp.Click(chromedp.CSS(`nav[aria-label=Main] a[href^="/journeys"]`)))
	tab.waitFor("the map on 15 January", `location.pathname == "`+mapPath+`"`+onDay, 5*time.Second)
	cellID := evalIn[string](tab, `document.querySelector('a.tp-cell').dataset.touchpoint`)
	tab.do("a touchpoint on that day", chromedp.Click(chromedp.CSS(`a.tp-cell`)))
	tab.waitFor("the touchpoint on 15 January", `location.pathname == "`+tpPath(cellID)+`"`+onDay, 5*time.Second)
	if shown, cur := tab.text("#period-shown"), tab.text(`#period-chooser a[aria-current=page]`); !strings.Contains(shown, "1 Oct 2025 to 31 Dec 2025") || cur != "Last quarter" {
		t.Errorf("the touchpoint on 15 January shows %q (%s)", shown, cur)
	}
	then := tab.text("#tp-total")
	tab.do("back to the map", chromedp.Click(chromedp.ID("map-link")))
	tab.waitFor("the map again on 15 January", `location.pathname == "`+mapPath+`"`+onDay, 5*time.Second)
	tab.do("the menu's decisions", chromedp.Click(chromedp.CSS(`nav[aria-label=Main] a[href^="/decisions"]`)))
	tab.waitFor("the decision log on 15 January", `location.pathname == "/decisions"`+onDay, 5*time.Second)
	// The touchpoint's count of responses is the day's, not today's.
	tab.open(tpPath(cellID))
	if n, now := responsesIn(t, then), responsesIn(t, tab.text("#tp-total")); n == 0 || n >= now || !strings.Contains(then, "by 15 Jan 2026") {
		t.Errorf("on 15 January the touchpoint says %q, today %d responses", then, now)
	}

	// The decision log on that day holds only what was decided by then.
	tab.open("/decisions")
	now := evalIn[int](tab, `document.querySelectorAll('#timeline > li').length`)
	tab.open("/decisions?as_of=2026-01-15")
	days := evalIn[[]string](tab, `Array.from(document.querySelectorAll('#timeline > li')).map(li => li.id)`)
	if len(days) >= now || !strings.Contains(tab.text("#as-of-banner"), "15 Jan 2026") ||
		evalIn[int](tab, `document.querySelectorAll('#decision-filters input[name=as_of][value="2026-01-15"]').length`) != 1 {
		t.Errorf("on 15 January the log holds %d decisions, now %d", len(days), now)
	}

	// A day that cannot be read is a page that says why.
	b := newBrowserSession(t, base)
	b.signIn(token)
	for path, want := range map[string]string{
		"/?as_of=2026-02-30":                  "2026-02-30&#34; is not a date",
		mapPath + "?as_of=2026-08-01":         "after today (16 Jul 2026)",
		"/decisions?as_of=last%20christmas":   "last christmas&#34; is not a date",
		"/?as_of=1969-07-20":                  "on or after 1 Jan 1970",
		tpPath(falling) + "?as_of=2026-13-01": "2026-13-01&#34; is not a date",
	} {
		if a := b.get(path); a.Status != http.StatusBadRequest || !strings.Contains(a.Body, want) {
			t.Errorf("%s answered %d, want 400 saying %s", path, a.Status, want)
		}
	}
	// The portal, added on 16 July, was not there on 15 January.
	if a := b.get(tpPath(falling) + "?as_of=2026-01-15"); a.Status != http.StatusNotFound || !strings.Contains(a.Body, "has no touchpoint") {
		t.Errorf("the portal on 15 January answered %d", a.Status)
	}
}

var responseCount = regexp.MustCompile(`(\d+) responses`)

// responsesIn is the count of responses a text begins with.
func responsesIn(t *testing.T, text string) int {
	t.Helper()
	m := responseCount.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%q counts no responses", text)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// headlineCount is the overview's count of NPS responses.
func headlineCount(t *testing.T, tab *browserTab) int {
	t.Helper()
	m := responseCount.FindStringSubmatch(tab.text(`section[aria-label="Headline scores"] .figure .muted`))
	if m == nil {
		t.Fatal("the headline has no count of responses")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
