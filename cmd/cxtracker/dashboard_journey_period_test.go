package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cxtracker/projections"
)

// periodMapTracker is the demo with three touchpoints of its own, each
// scored on NPS in a scripted past (the pages are drawn on 16 Jul 2026;
// the last quarter is April to June, the one before January to March):
//   - "Falling portal": 30 promoters and 10 passives in February (NPS 75,
//     margin 13.4); 10 promoters, 10 passives and 20 detractors in June
//     (NPS −25, margin 25.7): a change of −100 against a margin of 29.0,
//     beyond the noise.
//   - "Steady desk": 20 promoters and 20 passives in February (NPS 50); 19
//     promoters and 21 passives in May (NPS 47.5): within the noise. Its
//     February and its May promoters are enterprise customers, and 16 of
//     its May passives: the enterprise segment's May NPS is 19/35, 54.3.
//   - "Quiet kiosk": 5 promoters in May, too few to read, of a segment
//     (pilot programme) nobody else names.
func periodMapTracker(t *testing.T) (m *Main, admin *client, j projections.JourneyView, falling, steady, quiet string) {
	t.Helper()
	m, admin = demoTracker(t)
	j = demoJourney(t, admin)
	crew := createCrew(t, admin, "Period crew")
	falling = addTouchpoint(t, admin, j, "Falling portal", crew)
	steady = addTouchpoint(t, admin, j, "Steady desk", crew)
	quiet = addTouchpoint(t, admin, j, "Quiet kiosk", crew)
	const feb, may, jun = "2026-02-10T12:00:00Z", "2026-05-10T12:00:00Z", "2026-06-10T12:00:00Z"
	var lines []obj
	add := func(n int, tp string, score int, segment, at string) {
		for range n {
			lines = append(lines, scoreLine(tp, "nps", score, segment, at))
		}
	}
	add(30, falling, 10, "", feb)
	add(10, falling, 8, "", feb)
	add(10, falling, 10, "", jun)
	add(10, falling, 8, "", jun)
	add(20, falling, 0, "", jun)
	add(20, steady, 10, "enterprise", feb)
	add(20, steady, 8, "enterprise", feb)
	add(19, steady, 9, "enterprise", may)
	add(16, steady, 7, "enterprise", may)
	add(5, steady, 7, "small_business", may)
	add(5, quiet, 10, "pilot_programme", may)
	importFeedback(t, admin, lines)
	return m, admin, j, falling, steady, quiet
}

// scoreLine is one feedback item for the import, occurred at at.
func scoreLine(tpID, metric string, score int, segment, at string) obj {
	line := obj{"touchpoint_id": tpID, "metric": metric, "score": score, "source": "survey", "occurred_at": at}
	if segment != "" {
		line["segment"] = segment
	}
	return line
}

// importFeedback logs lines through POST /v1/feedback/import and fails the
// test unless every one was logged.
func importFeedback(t *testing.T, c *client, lines []obj) {
	t.Helper()
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	var ans importAnswer
	if err := c.send(context.Background(), http.MethodPost, "/v1/feedback/import", "application/x-ndjson", body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Logged != len(lines) || len(ans.Errors) > 0 {
		t.Fatalf("the import logged %d of %d lines: %+v", ans.Logged, len(lines), ans.Errors)
	}
}

// cellText is the text of touchpoint id's cell on the map in the tab.
func cellText(tab *browserTab, id string) string {
	tab.t.Helper()
	return tab.text(`a.tp-cell[data-touchpoint="` + id + `"]`)
}

func TestTheJourneyMapComparesAChosenPeriodWithThePeriodBefore(t *testing.T) {
	m, admin, j, falling, steady, quiet := periodMapTracker(t)
	base := "http://" + m.HTTPAddr()
	token, _ := personToken(t, admin, councilMember)
	tab := newTab(t, newBrowser(t), base)
	tab.signIn(token)
	mapPath := "/journeys/" + j.ID
	cell := func(id string) string { return cellText(tab, id) }
	change := func(id string) string {
		return evalIn[string](tab, `document.querySelector('a.tp-cell[data-touchpoint="`+id+`"] .fig-change [data-change]').dataset.change`)
	}

	// Without a period the map reads the last quarter beside the one
	// before.
	tab.open(mapPath)
	if shown := tab.text("#period-shown"); !strings.Contains(shown, "1 Apr 2026 to 30 Jun 2026") || !strings.Contains(shown, "1 Jan 2026 to 31 Mar 2026") {
		t.Errorf("the map shows %q, not the last quarter beside the one before", shown)
	}
	if cur := tab.text(`#period-chooser a[aria-current=page]`); cur != "Last quarter" {
		t.Errorf("the chooser marks %q", cur)
	}
	// A fall beyond the margin says so, in words and with a mark.
	if c := cell(falling); !strings.Contains(c, "-25.0") || !strings.Contains(c, "± 25.7") || !strings.Contains(c, "40 responses") ||
		!strings.Contains(c, "Before: 75.0 ± 13.4 from 40 responses") || !strings.Contains(c, "▼ fell beyond the noise") || change(falling) != "worse" {
		t.Errorf("the falling portal reads %q (%s)", c, change(falling))
	}
	if c := cell(steady); !strings.Contains(c, "47.5") || !strings.Contains(c, "fell within the noise") || change(steady) != "noise" {
		t.Errorf("the steady desk reads %q (%s)", c, change(steady))
	}
	// Five responses are said to be too few; no value is shown for them.
	if c := cell(quiet); !strings.Contains(c, "too few responses") || !strings.Contains(c, "5 responses") || strings.Contains(c, "100.0") ||
		tab.text(`a.tp-cell[data-touchpoint="`+quiet+`"] strong`) != "too few responses" {
		t.Errorf("the quiet kiosk reads %q", c)
	}
	// The movers: both touchpoints with 30 responses in each quarter fell,
	// the portal beyond the noise; the kiosk is none of them.
	fallers := evalIn[[]string](tab, `Array.from(document.querySelectorAll('#fallers tr[data-change]')).map(r => r.dataset.change + ' ' + r.querySelector('a').getAttribute('href'))`)
	// Each links to its touchpoint's page for the period it moved in.
	tpHref := func(id string) string { return mapPath + "/touchpoints/" + id + "?from=2026-04-01&to=2026-06-30" }
	if len(fallers) < 2 || !strings.Contains(strings.Join(fallers, "\n"), "worse "+tpHref(falling)) || !strings.Contains(strings.Join(fallers, "\n"), "noise "+tpHref(steady)) ||
		strings.Contains(strings.Join(fallers, "\n"), quiet) {
		t.Errorf("the fallers are %v", fallers)
	}
	if first := fallers[0]; first != "worse "+tpHref(falling) {
		t.Errorf("the largest fall is not first: %v", fallers)
	}
	tab.screenshot("journey-map-period")

	// Last month: the URL carries June, and the portal's June has no May
	// to compare with.
	tab.do("choose last month", chromedp.Click(chromedp.CSS(`#period-chooser nav li:nth-child(2) a`)))
	tab.waitFor("June in the address", `location.search.includes("from=2026-06-01") && location.search.includes("to=2026-06-30")`, 5*time.Second)
	if c := cell(falling); !strings.Contains(c, "-25.0") || !strings.Contains(c, "Before: no responses") || change(falling) != "unknown" || !strings.Contains(c, "too few responses to compare") {
		t.Errorf("in June the portal reads %q", c)
	}
	if cur := tab.text(`#period-chooser a[aria-current=page]`); cur != "Last month" {
		t.Errorf("the chooser marks %q", cur)
	}

	// Two days of one's own: February shows the portal's February.
	tab.do("choose February",
		chromedp.SetValue(chromedp.ID("period-from"), "2026-02-01"),
		chromedp.SetValue(chromedp.ID("period-to"), "2026-02-28"),
		chromedp.Submit(chromedp.ID("period-from")))
	tab.waitFor("February in the address", `location.search.includes("from=2026-02-01") && location.search.includes("to=2026-02-28")`, 5*time.Second)
	if c := cell(falling); !strings.Contains(c, "75.0") || !strings.Contains(c, "40 responses") {
		t.Errorf("in February the portal reads %q", c)
	}
	if n := evalIn[int](tab, `document.querySelectorAll('#period-chooser a[aria-current=page]').length`); n != 0 {
		t.Errorf("a period of one's own marks %d named periods", n)
	}

	// A segment: the last quarter's enterprise customers only, kept in the
	// address with the period.
	tab.open(mapPath + "?from=2026-04-01&to=2026-06-30")
	tab.do("choose the enterprise segment",
		chromedp.SetValue(chromedp.ID("period-segment"), "enterprise"),
		chromedp.Submit(chromedp.ID("period-segment")))
	tab.waitFor("the segment in the address", `location.search.includes("segment=enterprise") && location.search.includes("from=2026-04-01")`, 5*time.Second)
	if c := cell(steady); !strings.Contains(c, "54.3") || !strings.Contains(c, "35 responses") {
		t.Errorf("the enterprise segment's desk reads %q", c)
	}
	// The link shows the same to another reader.
	link := evalIn[string](tab, "location.pathname + location.search")
	other := newTab(t, newBrowser(t), base)
	other.signIn(token)
	other.open(link)
	if c := cellText(other, steady); !strings.Contains(c, "54.3") || !strings.Contains(other.text("#period-shown"), "enterprise") {
		t.Errorf("the link %s shows %q to another reader", link, c)
	}

	// A bad date is said on the page, with the chooser to put it right.
	tab.open(mapPath + "?from=2026-02-30&to=2026-03-10")
	if msg := tab.text("#period-problem"); !strings.Contains(msg, `"2026-02-30" is not a date`) {
		t.Errorf("a bad date says %q", msg)
	}
	if n := evalIn[int](tab, `document.querySelectorAll('#journey-map, #period-form').length`); n != 1 {
		t.Errorf("the bad date's page shows %d of the form and the map, want the form only", n)
	}
}
