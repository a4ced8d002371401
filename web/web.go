package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"cxtracker/api"
	"cxtracker/events"
)

// Options are what the dashboard needs besides the API.
type Options struct {
	Logger *slog.Logger
	// Clock is where the pages read the time (ages, session expiry); nil
	// is the system clock.
	Clock events.Clock
}

// Web is the dashboard.
type Web struct {
	api      *api.Server
	apiPaths map[string]bool
	echo     *echo.Echo
	log      *slog.Logger
	clock    events.Clock
	sessions *sessions
	pages    *pages
	// travelling are the routes of the pages that take as_of (travel).
	travelling []string
}

// New is the dashboard over the API a.
func New(a *api.Server, o Options) *Web {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Web{api: a, echo: echo.New(), log: o.Logger, clock: o.Clock, apiPaths: map[string]bool{}}
	w.sessions = newSessions(w.now)
	w.pages = mustParsePages()
	for _, r := range a.Routes() {
		w.apiPaths[firstSegment(r.Path)] = true
	}
	e := w.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = w.errorPage
	e.Use(middleware.Recover())
	e.Use(pageHeaders)
	e.GET("/static/*", staticHandler())
	w.signInRoutes(e)
	g := e.Group("", w.signedIn, w.checkCSRF)
	w.overviewRoutes(g)
	w.journeyRoutes(g)
	w.decisionRoutes(g)
	w.initiativeRoutes(g)
	w.followUpRoutes(g)
	w.accountRoutes(g)
	w.kpiRoutes(g)
	w.auditRoutes(g)
	w.webhookRoutes(g)
	w.liveRoutes(g)
	return w
}

// Handler serves the API's paths from the API and every other path from
// the dashboard, so the binary serves both on one address.
func (w *Web) Handler() http.Handler {
	apiHandler := w.api.Handler()
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.apiPaths[firstSegment(r.URL.Path)] {
			apiHandler.ServeHTTP(rw, r)
			return
		}
		w.echo.ServeHTTP(rw, r)
	})
}

// Echo is the dashboard's own router, for tests that walk its routes.
func (w *Web) Echo() *echo.Echo { return w.echo }

func (w *Web) now() time.Time { return w.clock.Now() }

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	seg, _, _ := strings.Cut(p, "/")
	return seg
}

// pageHeaders are every page's security headers: a Content-Security-Policy
// with no inline script or style, no framing, and no caching of pages that
// show what a person may see.
func pageHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}
