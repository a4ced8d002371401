package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"time"

	"cxtracker/projections"
)

// The journey map's period: the days of business time whose feedback the
// map reads, chosen from a few named periods or as two dates, and kept in
// the page's address (from and to, both days included, as YYYY-MM-DD in
// UTC) so that a link shows the same figures to whoever opens it. Today
// comes from the dashboard's clock.

// dayLayout is how a day is written in the address and the date fields.
const dayLayout = time.DateOnly

// earliestDay is the first day a period may start: the figures of a
// period before it, and of the one before that, are of no use to anyone.
var earliestDay = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// mapPeriod is a period the map reads: [From, To) of business time, whole
// UTC days.
type mapPeriod struct {
	From, To time.Time
}

// Last is the period's last day, the one the address and the page name.
func (p mapPeriod) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// Previous is the period of the same length before it, as the API
// compares them.
func (p mapPeriod) Previous() mapPeriod {
	return mapPeriod{From: projections.PreviousPeriod(p.From, p.To), To: p.From}
}

// Words is the period in words: "1 Apr 2026 to 30 Jun 2026".
func (p mapPeriod) Words() string {
	return p.From.Format("2 Jan 2006") + " to " + p.Last().Format("2 Jan 2006")
}

// query is the period in the address.
func (p mapPeriod) query(q url.Values) {
	q.Set("from", p.From.Format(dayLayout))
	q.Set("to", p.Last().Format(dayLayout))
}

// apiQuery is the API's query for the period's figures (of segment, or
// all when it is "").
func (p mapPeriod) apiQuery(segment string) url.Values {
	q := url.Values{"from": {p.From.Format(time.RFC3339)}, "to": {p.To.Format(time.RFC3339)}}
	if segment != "" {
		q.Set("segment", segment)
	}
	return q
}

// periodPreset is a named period, counted back from today.
type periodPreset struct {
	Key, Label string
	period     func(today time.Time) mapPeriod
}

// periodPresets are the periods the chooser names, in its order; a period
// "this" runs to today, included.
var periodPresets = []periodPreset{
	{"this-month", "This month", func(d time.Time) mapPeriod { return mapPeriod{monthOf(d), d.AddDate(0, 0, 1)} }},
	{"last-month", "Last month", func(d time.Time) mapPeriod { return mapPeriod{monthOf(d).AddDate(0, -1, 0), monthOf(d)} }},
	{"this-quarter", "This quarter", func(d time.Time) mapPeriod { return mapPeriod{quarterOf(d), d.AddDate(0, 0, 1)} }},
	{"last-quarter", "Last quarter", func(d time.Time) mapPeriod { return mapPeriod{quarterOf(d).AddDate(0, -3, 0), quarterOf(d)} }},
	{"last-12-months", "The last 12 months", func(d time.Time) mapPeriod { return mapPeriod{d.AddDate(-1, 0, 1), d.AddDate(0, 0, 1)} }},
}

// defaultPreset is the period a map without one in its address shows: the
// last whole quarter, the council's usual period, compared with the
// quarter before.
const defaultPreset = "last-quarter"

func monthOf(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC) }

func quarterOf(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}

// midnightOf is the start of the UTC day holding t.
func midnightOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// presetPeriod is the named period key as of today.
func presetPeriod(key string, today time.Time) mapPeriod {
	for _, p := range periodPresets {
		if p.Key == key {
			return p.period(today)
		}
	}
	panic("web: no period preset " + key) // keys are this file's constants
}

// readPeriod is the period the address asks for (from and to), or the
// default one when it names none; given says it named one. A period that
// cannot be read answers a sentence that says why, for the page to show.
func readPeriod(q url.Values, now time.Time) (p mapPeriod, given bool, problem string) {
	today := midnightOf(now)
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		return presetPeriod(defaultPreset, today), false, ""
	}
	if from == "" || to == "" {
		return mapPeriod{}, true, "Give both days of the period: its first (from) and its last (to)."
	}
	first, err := time.Parse(dayLayout, from)
	if err != nil {
		return mapPeriod{}, true, fmt.Sprintf("The first day %q is not a date: write it as year-month-day, for example %s.", from, today.Format(dayLayout))
	}
	last, err := time.Parse(dayLayout, to)
	if err != nil {
		return mapPeriod{}, true, fmt.Sprintf("The last day %q is not a date: write it as year-month-day, for example %s.", to, today.Format(dayLayout))
	}
	p = mapPeriod{From: first, To: last.AddDate(0, 0, 1)}
	switch {
	case last.Before(first):
		return p, true, fmt.Sprintf("The period ends on %s, before it starts on %s.", last.Format("2 Jan 2006"), first.Format("2 Jan 2006"))
	case last.After(today):
		return p, true, fmt.Sprintf("The period ends on %s, after today (%s): no feedback has come from those days yet. Choose a last day up to today.", last.Format("2 Jan 2006"), today.Format("2 Jan 2006"))
	case first.Before(earliestDay):
		return p, true, fmt.Sprintf("The period starts on %s: choose a first day on or after %s.", first.Format("2 Jan 2006"), earliestDay.Format("2 Jan 2006"))
	}
	return p, true, ""
}

// mapAddress is what the address of a page with a period holds: the
// metric (the map's; none on a touchpoint's page), the period (only when
// it was chosen, so the default follows today), the segment, and the
// page's other choices it keeps (a trend's granularity, a past date).
type mapAddress struct {
	base, metric, segment string
	period                *mapPeriod
	keep                  url.Values
}

// href is the page's address with these choices.
func (a mapAddress) href() string {
	q := url.Values{}
	for _, f := range a.hidden() {
		q.Set(f.Name, f.Value)
	}
	if a.period != nil {
		a.period.query(q)
	}
	if a.segment != "" {
		q.Set("segment", a.segment)
	}
	if len(q) == 0 {
		return a.base
	}
	return a.base + "?" + q.Encode()
}

// with is the address keeping one more choice, name=value.
func (a mapAddress) with(name, value string) mapAddress {
	keep := url.Values{}
	for k, v := range a.keep {
		keep[k] = v
	}
	keep.Set(name, value)
	a.keep = keep
	return a
}

// hiddenField is a choice of the address a form sends on as it is.
type hiddenField struct{ Name, Value string }

// hidden are the choices the period form keeps: all but the period and
// the segment, which it asks for.
func (a mapAddress) hidden() []hiddenField {
	var out []hiddenField
	if a.metric != "" {
		out = append(out, hiddenField{"metric", a.metric})
	}
	for k, v := range a.keep {
		if len(v) > 0 && v[0] != "" {
			out = append(out, hiddenField{k, v[0]})
		}
	}
	slices.SortFunc(out, func(x, y hiddenField) int { return cmp.Compare(x.Name, y.Name) })
	return out
}

// periodChooser is the period and segment chooser as a page shows it
// (the partial _period.html): the named periods, two days of one's own,
// the segment, and the period shown beside the one before it, or why the
// address's period cannot be read.
type periodChooser struct {
	// Action is the page the form sends to; Hidden the choices it keeps.
	Action string
	Hidden []hiddenField
	// Periods are the named periods; none is marked when the period is
	// two dates of the reader's own.
	Periods          []choice
	Period, Previous mapPeriod
	// From and To are what the date fields hold: the period's first and
	// last days, or what was typed when they cannot be read.
	From, To string
	// Problem says why the period asked for cannot be read; the page then
	// shows the chooser and the message, and no figures.
	Problem  string
	Segment  string
	Segments []string
}

// readChooser reads the period and segment of the address q of a page at
// addr (its base and other choices; today is now's day): the chooser
// (without its segments, which the page reads), the address as chosen,
// and the API's query for the period's figures (nil when the period
// cannot be read).
func readChooser(q url.Values, addr mapAddress, now time.Time) (periodChooser, mapAddress, url.Values) {
	period, given, problem := readPeriod(q, now)
	addr.segment = q.Get("segment")
	ch := periodChooser{Action: addr.base, Hidden: addr.hidden(), Period: period, Segment: addr.segment, Problem: problem,
		From: q.Get("from"), To: q.Get("to"), Periods: periodChoices(addr, period, midnightOf(now))}
	if problem != "" {
		return ch, addr, nil
	}
	if given {
		addr.period = &period
	}
	ch.From, ch.To, ch.Previous = period.From.Format(dayLayout), period.Last().Format(dayLayout), period.Previous()
	return ch, addr, period.apiQuery(addr.segment)
}

// periodChoices are the chooser's links: each named period as of today,
// the one shown marked.
func periodChoices(a mapAddress, shown mapPeriod, today time.Time) []choice {
	out := make([]choice, 0, len(periodPresets))
	for _, pr := range periodPresets {
		p := pr.period(today)
		a.period = &p
		out = append(out, choice{Label: pr.Label, Href: a.href(), Current: p.From.Equal(shown.From) && p.To.Equal(shown.To)})
	}
	return out
}
