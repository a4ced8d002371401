package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAPastDayIsReadFromTheAddressAndABadOneIsSaidInWords(t *testing.T) {
	now := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	d, problem := readAsOf(url.Values{"as_of": {"2026-01-15"}}, now)
	if problem != "" || d == nil || !d.Equal(day("2026-01-15")) {
		t.Fatalf("15 January reads %v (%q)", d, problem)
	}
	// The API is asked for the day's last instant: all of the day counts.
	if at := (&timeTravel{Day: *d}).asOf(); at != "2026-01-15T23:59:59.999999999Z" {
		t.Errorf("the API's as_of is %s", at)
	}
	// No day, and today itself, are today's page.
	for _, v := range []string{"", "2026-07-16"} {
		if d, problem := readAsOf(url.Values{"as_of": {v}}, now); d != nil || problem != "" {
			t.Errorf("as_of %q travels to %v (%q)", v, d, problem)
		}
	}
	for v, want := range map[string]string{
		"2026-02-30": `"2026-02-30" is not a date`,
		"yesterday":  `"yesterday" is not a date`,
		"2026-07-17": "17 Jul 2026 is after today (16 Jul 2026)",
		"1969-12-31": "on or after 1 Jan 1970",
	} {
		if d, problem := readAsOf(url.Values{"as_of": {v}}, now); d != nil || !strings.Contains(problem, want) {
			t.Errorf("as_of %q reads %v, %q; want %q", v, d, problem, want)
		}
	}
}

func TestAPageAddressKeepsItsOtherChoices(t *testing.T) {
	a := mapAddress{base: "/journeys/J/touchpoints/T"}.with("period", "week").with("as_of", "2026-01-15")
	if h := a.hidden(); len(h) != 2 || h[0] != (hiddenField{"as_of", "2026-01-15"}) || h[1] != (hiddenField{"period", "week"}) {
		t.Errorf("the form keeps %v", h)
	}
	// with copies: the address it was made from is unchanged.
	b := a.with("period", "month")
	if a.keep.Get("period") != "week" || b.keep.Get("period") != "month" {
		t.Errorf("with changed the address it was made from: %v, %v", a.keep, b.keep)
	}
	now := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	ch, addr, q := readChooser(url.Values{"from": {"2026-06-01"}, "to": {"2026-06-30"}, "segment": {"enterprise"}}, a, now)
	if ch.Problem != "" || ch.Action != a.base || len(ch.Hidden) != 2 || ch.Previous.Words() != "1 May 2026 to 31 May 2026" {
		t.Fatalf("the chooser is %+v", ch)
	}
	if want := "/journeys/J/touchpoints/T?as_of=2026-01-15&from=2026-06-01&period=week&segment=enterprise&to=2026-06-30"; addr.href() != want {
		t.Errorf("the address is %s, want %s", addr.href(), want)
	}
	if q.Encode() != "from=2026-06-01T00%3A00%3A00Z&segment=enterprise&to=2026-07-01T00%3A00%3A00Z" {
		t.Errorf("the API is asked %s", q.Encode())
	}
	// A period that cannot be read asks the API for none.
	if ch, _, q := readChooser(url.Values{"from": {"2026-06-01"}}, a, now); ch.Problem == "" || q != nil {
		t.Errorf("half a period: %q, %v", ch.Problem, q)
	}
	// Without a period the page is of the last quarter, and its address
	// names none, so that it follows today.
	if ch, addr, _ := readChooser(url.Values{}, mapAddress{base: "/m", metric: "nps"}, now); ch.Period.Words() != "1 Apr 2026 to 30 Jun 2026" || addr.href() != "/m?metric=nps" {
		t.Errorf("without a period: %s, %s", ch.Period.Words(), addr.href())
	}
}

func TestALinkToAPageThatTravelsKeepsThePastDay(t *testing.T) {
	pages := []string{"/", "/journeys", "/journeys/:id", "/journeys/:id/touchpoints/:tp_id", "/decisions"}
	past := &timeTravel{Day: day("2026-01-15"), pages: pages}
	for href, want := range map[string]string{
		"/":                       "/?as_of=2026-01-15",
		"/journeys":               "/journeys?as_of=2026-01-15",
		"/journeys/J?metric=csat": "/journeys/J?as_of=2026-01-15&metric=csat",
		"/journeys/J/touchpoints/T?from=2026-01-01&to=2026-01-10": "/journeys/J/touchpoints/T?as_of=2026-01-15&from=2026-01-01&to=2026-01-10",
		// A link that names a day already is kept on the page's day.
		"/decisions?as_of=2025-12-01&outcome=approved": "/decisions?as_of=2026-01-15&outcome=approved",
		// Pages that do not travel, and addresses no route has, are left as
		// they are.
		"/initiatives/I":              "/initiatives/I",
		"/follow-ups":                 "/follow-ups",
		"/journeys/J/touchpoints/":    "/journeys/J/touchpoints/",
		"/journeys/J/touchpoints/T/x": "/journeys/J/touchpoints/T/x",
		"https://example.com/":        "https://example.com/",
		"/kpis#kpi-K":                 "/kpis#kpi-K",
	} {
		if got := past.Link(href); got != want {
			t.Errorf("on 15 January %s links to %s, want %s", href, got, want)
		}
	}
	// A page of today links as it is.
	var today *timeTravel
	if got := today.Link("/journeys/J?metric=ces"); got != "/journeys/J?metric=ces" {
		t.Errorf("today the map links to %s", got)
	}
	if got := (view{}).Link("/"); got != "/" {
		t.Errorf("a page of today's menu links to %s", got)
	}
}
