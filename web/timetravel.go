package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Time travel for people: the overview, the journey list, a journey's map,
// a touchpoint's page and the decision log take a past day in their
// address (as_of=YYYY-MM-DD, UTC) and show the program as it stood at that
// day's end: every read of the API the page makes carries as_of (business
// time), a banner says which day it is with a link back to today, the
// page's "today" (the default period, the last quarter) is that day, and
// its links to the other pages that travel stay on the day (Link). Today
// itself comes from the dashboard's clock.

// timeTravel is the past day a page shows.
type timeTravel struct {
	// Day is the day's midnight, UTC.
	Day time.Time
	// Back is the page's address without as_of: the page as of today.
	Back string
	// pages are the routes of the pages that travel (Web.travel).
	pages []string
}

// travelKey is where a page's timeTravel is kept in its request.
const travelKey = "web.timeTravel"

// asOf is the API's as_of for the day: the last instant of the day, so
// that all of the day's events count.
func (t *timeTravel) asOf() string { return t.last().Format(time.RFC3339Nano) }

// last is the day's last instant.
func (t *timeTravel) last() time.Time { return t.Day.AddDate(0, 0, 1).Add(-time.Nanosecond) }

// travelOf is the request's past day, or nil for today.
func travelOf(c echo.Context) *timeTravel {
	t, _ := c.Get(travelKey).(*timeTravel)
	return t
}

// today is the day the page is of: the past day it travels to, or the
// clock's today.
func (w *Web) today(c echo.Context) time.Time {
	if t := travelOf(c); t != nil {
		return t.Day
	}
	return midnightOf(w.now())
}

// pageNow is the page's "now": the past day's last instant, or the
// clock's now.
func (w *Web) pageNow(c echo.Context) time.Time {
	if t := travelOf(c); t != nil {
		return t.last()
	}
	return w.now()
}

// day is the day as the address writes it.
func (t *timeTravel) day() string { return t.Day.Format(dayLayout) }

// Link is href kept on the page's past day: with its as_of when href is
// the address of a page that travels, and as it is otherwise, or when the
// page is of today (t is nil). Every link from a page that travels to
// another goes through it, so a reader who looks back stays on the day
// until the banner's link brings them back to today.
func (t *timeTravel) Link(href string) string {
	if t == nil {
		return href
	}
	u, err := url.Parse(href)
	if err != nil || u.IsAbs() || u.Host != "" || !slices.ContainsFunc(t.pages, func(route string) bool { return routeMatches(route, u.Path) }) {
		return href
	}
	q := u.Query()
	q.Set("as_of", t.day())
	u.RawQuery = q.Encode()
	return u.String()
}

// routeMatches says whether path is an address of the route (an Echo path
// whose :name segments stand for one segment each).
func routeMatches(route, path string) bool {
	rs, ps := strings.Split(route, "/"), strings.Split(path, "/")
	if len(rs) != len(ps) {
		return false
	}
	for i, r := range rs {
		if r != ps[i] && (!strings.HasPrefix(r, ":") || ps[i] == "") {
			return false
		}
	}
	return true
}

// travel adds a page that travels at path: the route takes as_of (see
// travels), and the links of every travelling page to it keep the day.
func (w *Web) travel(g *echo.Group, path string, h echo.HandlerFunc) {
	w.travelling = append(w.travelling, path)
	g.GET(path, h, w.travels)
}

// readAsOf reads the day of as_of in the address q (nil for none, or for
// today itself) as of now; a value that is not a day before today is a
// sentence that says why.
func readAsOf(q url.Values, now time.Time) (*time.Time, string) {
	v := q.Get("as_of")
	if v == "" {
		return nil, ""
	}
	today := midnightOf(now)
	d, err := time.Parse(dayLayout, v)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("%q is not a date: write the day as year-month-day, for example %s.", v, today.AddDate(0, -3, 0).Format(dayLayout))
	case d.After(today):
		return nil, fmt.Sprintf("%s is after today (%s): the tracker shows what had happened by a day, not what is yet to come.", d.Format("2 Jan 2006"), today.Format("2 Jan 2006"))
	case d.Before(earliestDay):
		return nil, fmt.Sprintf("%s is too long ago: choose a day on or after %s.", d.Format("2 Jan 2006"), earliestDay.Format("2 Jan 2006"))
	case d.Equal(today):
		return nil, ""
	}
	return &d, ""
}

// travels lets a page's address take as_of: the page then shows the
// program as it stood at that day's end. A day that cannot be read is a
// page that says why, with a link to the page as of today.
func (w *Web) travels(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		day, problem := readAsOf(q, w.now())
		back := *c.Request().URL
		rest := url.Values{}
		for k, v := range q {
			if k != "as_of" {
				rest[k] = v
			}
		}
		back.RawQuery = rest.Encode()
		if problem != "" {
			return &pageError{Status: http.StatusBadRequest, Title: "No such day to look back to", Detail: problem, Back: back.RequestURI()}
		}
		if day != nil {
			c.Set(travelKey, &timeTravel{Day: *day, Back: back.RequestURI(), pages: w.travelling})
		}
		return next(c)
	}
}

// keepTravel is the page's own address a keeping its past day, if it has
// one, so that its choices' links and its forms stay on that day.
func keepTravel(c echo.Context, a mapAddress) mapAddress {
	if t := travelOf(c); t != nil {
		return a.with("as_of", t.day())
	}
	return a
}
