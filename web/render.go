package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// The pattern names the files, not the folder: a folder's pattern leaves
// out names that begin with _, and the shared partials (_*.html) do.
//
//go:embed templates/*.html
var templateFiles embed.FS

// pages are the parsed templates: each page file with the layout and the
// shared partials (files named _*.html).
type pages struct {
	by map[string]*template.Template
}

func mustParsePages() *pages {
	p, err := parsePages(templateFiles)
	if err != nil {
		panic("web: templates: " + err.Error()) // embedded at build time; TestEveryTemplateParses names the file
	}
	return p
}

func parsePages(files fs.FS) (*pages, error) {
	base := template.New("layout").Funcs(funcs)
	shared, err := fs.Glob(files, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	if _, err := base.ParseFS(files, append([]string{"templates/layout.html"}, shared...)...); err != nil {
		return nil, err
	}
	all, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{by: map[string]*template.Template{}}
	for _, f := range all {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(files, f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		p.by[name] = t
	}
	return p, nil
}

// view is what every page's template gets: the page's own Data and what the
// layout shows around it.
type view struct {
	Title string
	// Nav is the menu entry the page belongs to.
	Nav string
	// Live pages refresh themselves when the log moves (live.go).
	Live    bool
	Session *session
	Data    any
	Now     time.Time
	// Path is the page's path and query, for links back to it.
	Path string
	// Seq is the log sequence the page was drawn at.
	Seq uint64
	// Travel is the past day the page shows, or nil for today: the layout
	// says so in a banner.
	Travel *timeTravel
}

// CSRF is the session's form token, for the hidden _csrf field.
func (v view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.csrf
}

// Link is href kept on the page's past day (timeTravel.Link), for the
// templates' links to other pages.
func (v view) Link(href string) string { return v.Travel.Link(href) }

// page says how a page is shown around its data.
type page struct {
	name, title, nav string
	live             bool
}

// render answers the page with status.
func (w *Web) render(c echo.Context, status int, p page, data any) error {
	t, ok := w.pages.by[p.name]
	if !ok {
		return fmt.Errorf("no template %q", p.name)
	}
	v := view{Title: p.title, Nav: p.nav, Live: p.live, Session: sessionOf(c), Data: data, Now: w.now(), Path: c.Request().URL.RequestURI(), Seq: seqOf(c), Travel: travelOf(c)}
	if v.Travel != nil {
		v.Live = false // the past does not move with the log
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", p.name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// pageError is an error shown as a page of its own.
type pageError struct {
	Status        int
	Title, Detail string
	// Roles are the person's roles, on a 403 page.
	Roles []string
	// Back is where the page's link goes.
	Back string
}

func (e *pageError) Error() string { return e.Title + ": " + e.Detail }

// errorPage is the dashboard's error handler: every failure is a readable
// page, never a problem document or a stack. A 401 from the API means the
// session's token was revoked: the session ends.
func (w *Web) errorPage(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	pe := w.pageErrorOf(c, err)
	if pe == nil {
		return
	}
	if rerr := w.render(c, pe.Status, page{name: "error", title: pe.Title}, pe); rerr != nil {
		w.log.Error("error page failed", "err", rerr)
		_ = c.String(pe.Status, pe.Title+": "+pe.Detail)
	}
}

func (w *Web) pageErrorOf(c echo.Context, err error) *pageError {
	var pe *pageError
	var ae *apiError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &ae):
		switch ae.Status {
		case http.StatusUnauthorized:
			if ss := sessionOf(c); ss != nil {
				w.sessions.end(ss.id)
			}
			w.clearCookie(c)
			_ = c.Redirect(http.StatusSeeOther, "/signin?ended=1")
			return nil
		case http.StatusForbidden:
			return w.forbidden(c, ae.Problem.Detail)
		case http.StatusServiceUnavailable:
			return &pageError{Status: ae.Status, Title: "The tracker is not serving yet",
				Detail: "It is starting or catching up with the event log (" + ae.Problem.Detail + "). This page works again in a moment; reload it."}
		}
		return &pageError{Status: ae.Status, Title: ae.Problem.Title, Detail: ae.Problem.Detail}
	case errors.As(err, &he):
		if he.Code == http.StatusNotFound {
			return &pageError{Status: he.Code, Title: "No such page", Detail: "Nothing is at " + c.Request().URL.Path + ". The menu above lists every page."}
		}
		msg, _ := he.Message.(string)
		return &pageError{Status: he.Code, Title: http.StatusText(he.Code), Detail: msg}
	}
	w.log.Error("page failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	return &pageError{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Detail: "The page could not be shown. The error is in the tracker's log; try again, and tell the CX team if it persists."}
}

// forbidden is the 403 page: what was refused, and the roles the person
// holds, so they know whom to ask.
func (w *Web) forbidden(c echo.Context, detail string) *pageError {
	pe := &pageError{Status: http.StatusForbidden, Title: "You may not do this", Detail: detail, Back: c.Request().Referer()}
	ss := sessionOf(c)
	if ss == nil || ss.personID == "" {
		pe.Roles = []string{"a service token: no person's roles"}
		return pe
	}
	var p projections.PersonView
	if w.get(c, "/v1/people/"+ss.personID, nil, &p) == nil {
		caller, _ := w.api.CallerByHash(ss.tokenHash)
		pe.Roles = roleNames(p.Roles, caller.Admin())
	}
	if len(pe.Roles) == 0 {
		pe.Roles = []string{"none: you may read, but not change, the program"}
	}
	return pe
}
