package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEachNamedPeriodCountsBackFromToday(t *testing.T) {
	// Late on 5 January: today is the 5th, in the year's first quarter.
	today := midnightOf(time.Date(2026, 1, 5, 23, 30, 0, 0, time.UTC))
	want := map[string][2]string{
		"this-month":     {"2026-01-01", "2026-01-05"},
		"last-month":     {"2025-12-01", "2025-12-31"},
		"this-quarter":   {"2026-01-01", "2026-01-05"},
		"last-quarter":   {"2025-10-01", "2025-12-31"},
		"last-12-months": {"2025-01-06", "2026-01-05"},
	}
	for _, pr := range periodPresets {
		p := pr.period(today)
		if got := [2]string{p.From.Format(dayLayout), p.Last().Format(dayLayout)}; got != want[pr.Key] {
			t.Errorf("%s is %v, want %v", pr.Key, got, want[pr.Key])
		}
	}
	// A quarter is compared with the quarter before, a month with the
	// month before, whatever their lengths.
	if prev := presetPeriod("last-quarter", today).Previous(); prev.Words() != "1 Jul 2025 to 30 Sep 2025" {
		t.Errorf("the quarter before the last is %s", prev.Words())
	}
	if prev := presetPeriod("last-month", day("2026-03-10")).Previous(); prev.Words() != "1 Jan 2026 to 31 Jan 2026" {
		t.Errorf("the month before February is %s", prev.Words())
	}
}

func TestTheAddressCarriesThePeriodAndABadOneIsSaidInWords(t *testing.T) {
	now := time.Date(2026, 7, 16, 9, 0, 0, 0, time.UTC)
	p, given, problem := readPeriod(url.Values{}, now)
	if given || problem != "" || p.Words() != "1 Apr 2026 to 30 Jun 2026" {
		t.Fatalf("without a period the map shows %s (given %v, %q), not the last quarter", p.Words(), given, problem)
	}
	p, given, problem = readPeriod(url.Values{"from": {"2026-02-01"}, "to": {"2026-02-28"}}, now)
	if !given || problem != "" || !p.From.Equal(day("2026-02-01")) || !p.To.Equal(day("2026-03-01")) {
		t.Fatalf("February is [%s, %s) (%q)", p.From, p.To, problem)
	}
	if p.Previous().Words() != "1 Jan 2026 to 31 Jan 2026" {
		t.Errorf("the period before February is %s", p.Previous().Words())
	}
	a := mapAddress{base: "/journeys/J", metric: "nps", segment: "mid market", period: &p}
	if got := a.href(); got != "/journeys/J?from=2026-02-01&metric=nps&segment=mid+market&to=2026-02-28" {
		t.Errorf("the address is %s", got)
	}
	// Today is a last day like any other.
	if _, _, problem := readPeriod(url.Values{"from": {"2026-07-16"}, "to": {"2026-07-16"}}, now); problem != "" {
		t.Errorf("today alone is refused: %s", problem)
	}
	for _, tc := range []struct {
		from, to, want string
	}{
		{"2026-02-01", "", "Give both days"},
		{"", "2026-02-01", "Give both days"},
		{"2026-02-30", "2026-03-10", `The first day "2026-02-30" is not a date`},
		{"2026-02-01", "next week", `The last day "next week" is not a date`},
		{"2026-03-01", "2026-02-01", "The period ends on 1 Feb 2026, before it starts on 1 Mar 2026."},
		{"2026-07-01", "2026-07-17", "after today (16 Jul 2026)"},
		{"1969-12-01", "1970-02-01", "on or after 1 Jan 1970"},
	} {
		q := url.Values{"from": {tc.from}, "to": {tc.to}}
		if _, given, problem := readPeriod(q, now); !given || !strings.Contains(problem, tc.want) {
			t.Errorf("from %q to %q says %q, want %q", tc.from, tc.to, problem, tc.want)
		}
	}
}

func TestTheNamedPeriodShownIsMarkedInTheChooser(t *testing.T) {
	today := day("2026-07-16")
	a := mapAddress{base: "/journeys/J", metric: "ces"}
	marked := func(cs []choice) (out []string) {
		for _, c := range cs {
			if c.Current {
				out = append(out, c.Label)
			}
		}
		return out
	}
	cs := periodChoices(a, presetPeriod("last-month", today), today)
	if m := marked(cs); len(m) != 1 || m[0] != "Last month" {
		t.Errorf("marked %v", m)
	}
	if cs[1].Href != "/journeys/J?from=2026-06-01&metric=ces&to=2026-06-30" {
		t.Errorf("last month's link is %s", cs[1].Href)
	}
	if m := marked(periodChoices(a, mapPeriod{day("2026-02-01"), day("2026-03-01")}, today)); len(m) != 0 {
		t.Errorf("a period of the reader's own marks %v", m)
	}
}

// summary is a period's responses: n of each score.
func summary(metric string, scores map[int]int) events.Summary {
	var s events.Summary
	for score, n := range scores {
		for range n {
			if err := s.Add(metric, score); err != nil {
				panic(err)
			}
		}
	}
	return s
}

func TestAChangeBeyondItsMarginIsSaidToBeBeyondTheNoise(t *testing.T) {
	nps, _ := scaleOf(events.MetricNPS)
	// Before: 30 promoters and 10 passives, NPS 75, margin
	// 1.96·√((0.75 − 0.5625)/40)·100 = 13.4. Now: 10 promoters, 10 passives
	// and 20 detractors, NPS −25, margin 1.96·√((0.75 − 0.0625)/40)·100 =
	// 25.7. The change, −100, is beyond its margin √(13.4² + 25.7²) = 29.0.
	before := summary(events.MetricNPS, map[int]int{10: 30, 8: 10})
	now := summary(events.MetricNPS, map[int]int{10: 10, 8: 10, 0: 20})
	pf := projections.PeriodFiguresOf(day("2026-04-01"), day("2026-07-01"), now, before)
	f := nps.periodFigure(&pf, 3)
	if f.Text != "-25.0" || f.Margin != "± 25.7" || f.Count != 40 || f.Open != 3 || f.Class != "heat-1" || f.TooFew {
		t.Errorf("now %+v", f.figure)
	}
	if f.Previous != "75.0 ± 13.4 from 40 responses" {
		t.Errorf("before %q", f.Previous)
	}
	if f.Change != (changeWords{State: "worse", Mark: "▼", Words: "fell beyond the noise", Detail: "-100.0 points against a margin of ± 29.0"}) {
		t.Errorf("change %+v", f.Change)
	}
	// 20 promoters and 20 passives before, 19 and 21 now: 50 to 47.5, well
	// within a margin of about 22.
	pf = projections.PeriodFiguresOf(day("2026-04-01"), day("2026-07-01"),
		summary(events.MetricNPS, map[int]int{9: 19, 7: 21}), summary(events.MetricNPS, map[int]int{9: 20, 7: 20}))
	if c := nps.periodFigure(&pf, 0).Change; c.State != "noise" || c.Mark != "≈" || c.Words != "fell within the noise" {
		t.Errorf("a small change %+v", c)
	}
}

func TestTooFewResponsesAreSaidRatherThanShownAsANumber(t *testing.T) {
	csat, _ := scaleOf(events.MetricCSAT)
	pf := projections.PeriodFiguresOf(day("2026-04-01"), day("2026-07-01"),
		summary(events.MetricCSAT, map[int]int{5: minResponses - 1}), summary(events.MetricCSAT, map[int]int{1: 50}))
	f := csat.periodFigure(&pf, 0)
	if !f.TooFew || f.Text != "too few responses" || f.Class != "heat-none" || f.Margin != "" || f.Count != minResponses-1 {
		t.Errorf("29 responses read as %+v", f)
	}
	if f.Previous != "0.0% ± 0.0 from 50 responses" || f.Change.State != "unknown" || f.Change.Words != "too few responses to compare" {
		t.Errorf("beside 50 before: %q, %+v", f.Previous, f.Change)
	}
	if f := csat.periodFigure(nil, 2); f.Text != "–" || f.Word != "no responses" || f.Previous != "no responses" || f.Open != 2 {
		t.Errorf("a place without period figures reads %+v", f)
	}
	pf = projections.PeriodFiguresOf(day("2026-04-01"), day("2026-07-01"), summary(events.MetricCSAT, map[int]int{5: 40}), summary(events.MetricCSAT, map[int]int{5: 3}))
	if f := csat.periodFigure(&pf, 0); f.Text != "100.0%" || f.Previous != "too few responses (3)" || f.Change.State != "unknown" {
		t.Errorf("40 beside 3 reads %+v", f)
	}
}

func TestForEffortARiseIsWorse(t *testing.T) {
	ces, _ := scaleOf(events.MetricCES)
	margin := 0.4
	if c := ces.change(1.5, &margin, true); c.State != "worse" || c.Mark != "▲" || c.Words != "rose beyond the noise: more effort, worse" || c.Detail != "+1.5 against a margin of ± 0.4" {
		t.Errorf("CES up 1.5 %+v", c)
	}
	if c := ces.change(-1.5, &margin, true); c.State != "better" || c.Mark != "▼" || c.Words != "fell beyond the noise: less effort, better" {
		t.Errorf("CES down 1.5 %+v", c)
	}
	if c := ces.change(0, &margin, false); c.State != "noise" || c.Words != "unchanged" {
		t.Errorf("CES unchanged %+v", c)
	}
}
