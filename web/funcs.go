package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"
)

// funcs are the templates' helpers: the shared ones below, and each area's
// own (named in its file).
var funcs = mergeFuncs(baseFuncs, teamFuncs, journeyFuncs, councilFuncs, outcomeFuncs, accountFuncs)

func mergeFuncs(maps ...template.FuncMap) template.FuncMap {
	out := template.FuncMap{}
	for _, m := range maps {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("web: template function " + k + " is defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// baseFuncs are how numbers, times and charts are written on every page.
var baseFuncs = template.FuncMap{
	"num":       num,
	"date":      func(t time.Time) string { return dateOf(t, "2 Jan 2006") },
	"datetime":  func(t time.Time) string { return dateOf(t, "2 Jan 2006 15:04 UTC") },
	"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"recorded":  recordedNote,
	"age":       age,
	"span":      span,
	"join":      strings.Join,
	"query":     url.QueryEscape,
	"path":      url.PathEscape,
	"words":     func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"plural":    plural,
	"deref":     func(p *float64) float64 { return *p },
	"sparkline": sparkline,
	"lineChart": lineChart,
	"navItem":   navItem,
}

// num is a score with one decimal, or "–" when there is none yet.
func num(v any) string {
	switch x := v.(type) {
	case *float64:
		if x == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f", *x)
	case float64:
		return fmt.Sprintf("%.1f", x)
	case int:
		return fmt.Sprintf("%d", x)
	}
	return fmt.Sprint(v)
}

func dateOf(t time.Time, layout string) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format(layout)
}

// age is how long ago t was at now, in the largest whole unit ("3 days
// ago"); a time not yet past, or under a minute old, is "just now".
func age(now, t time.Time) string {
	d := now.Sub(t)
	if d < time.Minute {
		return "just now"
	}
	return duration(d) + " ago"
}

// span is how long it was from one time to a later one, in the largest
// whole unit ("8 days"), for what took that long: "under a minute" for
// less.
func span(from, to time.Time) string {
	d := to.Sub(from)
	if d < time.Minute {
		return "under a minute"
	}
	return duration(d)
}

// duration is d, a minute or more, in its largest whole unit: minutes
// under an hour, hours under two days, then days.
func duration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// navLink is one entry of the menu.
type navLink struct {
	Href, Label string
	Current     bool
}

func navItem(current, key, href, label string) navLink {
	return navLink{Href: href, Label: label, Current: current == key}
}

// recordedNote is "recorded <date>" for an event the API marks recorded
// late (recorded_late: the log already held events that happened more than
// a day after it, projections.ProgramClock), and "" otherwise.
func recordedNote(late bool, recorded time.Time) string {
	if !late {
		return ""
	}
	return "recorded " + dateOf(recorded, "2 Jan 2006")
}
