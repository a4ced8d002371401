package api

import (
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"cxtracker/events"
	"cxtracker/projections"
	"cxtracker/webhooks"
)

// Deps are what the API serves from: commands go to the Engine, reads come
// from the Views once the Projector has applied what the caller needs.
type Deps struct {
	Engine    *events.Engine
	Projector *projections.Projector
	Views     *projections.Views
	Store     events.Store
	// Credentials keeps the tokens' hashes, out of the event log.
	Credentials CredentialKeeper
	// Answers keeps the first answers of keyed requests for every replica
	// (idempotency_answers.go); nil keeps none, and a retry is then
	// answered from the log with the entity as it stands.
	Answers AnswerKeeper
	// SignInLinks keeps the dashboard's one-time sign-in links for every
	// replica (signinlinks.go); nil makes none, and their route answers
	// 503.
	SignInLinks SignInLinkKeeper
	// Webhooks registers webhook subscriptions and delivers to them
	// (webhooks.go); nil delivers none, and their routes answer 503.
	Webhooks *webhooks.Service
	// Ready reports nil once the tracker can serve, or why not.
	Ready func() error
	// Serving reports nil once /v1 may be served: the tracker has started
	// and the views have caught up with the log; nil means the projector's
	// catching up is all that counts.
	Serving func() error
	Logger  *slog.Logger
	// MaxBody caps a request body; MaxImportBody the NDJSON import's.
	MaxBody, MaxImportBody int64
	// WaitTimeout bounds how long a request waits for the projections
	// (its own write, or X-Min-Seq).
	WaitTimeout time.Duration
	// Limits are the rate limit and request timeout; zero means DefaultLimits.
	Limits *Limits
	// Collectors are further Prometheus collectors served on /metrics,
	// such as the event store's.
	Collectors []prometheus.Collector
	// Clock is what the API reads the time from (nil: the system clock).
	Clock events.Clock
	// Eraser erases personal data (erasure.go); nil erases none, and the
	// erasure routes answer 503.
	Eraser Eraser
}

// Server is the HTTP API.
type Server struct {
	Deps
	echo   *echo.Echo
	routes []Route
	rates  *rateLimiter
	// inflight makes a keyed write's second copy wait its turn (idempotency.go).
	inflight inflight
	// keyedHook, set by tests only, runs while a keyed request holds its key.
	keyedHook atomic.Pointer[func(echo.Context)]
	// streams caps the event streams open at once (streamslots.go).
	streams *streamSlots
	// streamsDone ends every open event stream when the server shuts down,
	// since an open stream never goes idle for http.Server.Shutdown.
	streamsDone chan struct{}
	closeOnce   sync.Once
	// doc is the OpenAPI document, built once at start (openapi.go).
	doc []byte
	// metrics are the Server's Prometheus metrics (metrics.go).
	metrics *metrics
	// past keeps the views built at the cuts reads travelled to (asof.go).
	past *projections.PastViews
}

// New builds the API with every route allRoutes lists.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxBody == 0 {
		d.MaxBody = 1 << 20
	}
	if d.MaxImportBody == 0 {
		d.MaxImportBody = 256 << 20
	}
	if d.WaitTimeout == 0 {
		d.WaitTimeout = 5 * time.Second
	}
	if d.Serving == nil {
		d.Serving = func() error { return nil }
	}
	if d.Limits == nil {
		l := DefaultLimits()
		d.Limits = &l
	}
	s := &Server{Deps: d, echo: echo.New(), streamsDone: make(chan struct{}), past: projections.NewPastViews(d.Store, pastViewsKept)}
	if d.Limits.Rate > 0 {
		s.rates = newRateLimiter(*d.Limits)
	}
	if d.Projector != nil {
		// Views kept for time travel may hold what an erasure erased, on
		// whichever replica wrote it.
		d.Projector.OnErasure(func(string) { s.past.Forget() })
	}
	s.streams = newStreamSlots(*d.Limits)
	s.metrics = newMetrics(s)
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = problemHandler(d.Logger)
	if d.Views != nil {
		e.JSONSerializer = namedJSON{names: d.Views.Names()}
	}
	e.Use(s.observe) // outermost, so that it counts every answer's final status
	e.Use(boundRequestID)
	e.Use(middleware.RequestID())
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	s.routes = s.allRoutes()
	doc := mustDocument(s.routes, s.MaxBody)
	for _, r := range s.routes {
		s.register(r, doc.queryNames(r))
	}
	s.metrics.http.track(s.routes)
	s.doc = mustJSON(doc)
	return s
}

// CloseStreams ends every open event stream; call it before shutting the
// HTTP server down.
func (s *Server) CloseStreams() { s.closeOnce.Do(func() { close(s.streamsDone) }) }

// OpenStreams is how many event streams are open now; a stream counts
// until its handler has returned, its consumer deleted.
func (s *Server) OpenStreams() int { return s.streams.Open() }

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo is the underlying Echo instance, for tests that walk its routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Routes is every route with its documentation.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) serviceRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/healthz", Summary: "200 while the process runs", Public: true, Response: Status{},
			Handler: func(c echo.Context) error { return c.JSON(http.StatusOK, Status{Status: "ok"}) }},
		{Method: http.MethodGet, Path: "/readyz", Summary: "200 once connected to JetStream and caught up; 503 before, and while writes fail (disk full), reads still served", Public: true, Response: Status{},
			Handler: func(c echo.Context) error {
				if err := s.Ready(); err != nil {
					c.Response().Header().Set("Retry-After", "1")
					return &Problem{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: oneLine(err)}
				}
				return c.JSON(http.StatusOK, Status{Status: "ready"})
			}},
	}
}

// Status is the answer of the service probes.
type Status struct {
	Status string `json:"status"`
}

// allRoutes is every route of the API, in the order they are registered.
func (s *Server) allRoutes() []Route {
	return slices.Concat(
		s.serviceRoutes(),
		s.docRoutes(),
		s.metricsRoutes(),
		s.tokenRoutes(),
		s.signInLinkRoutes(),
		s.overviewRoutes(),
		s.peopleRoutes(),
		s.erasureRoutes(),
		s.programRoutes(),
		s.councilRoutes(),
		s.crewRoutes(),
		s.initiativeRoutes(),
		s.journeyRoutes(),
		s.feedbackRoutes(),
		s.periodRoutes(),
		s.kpiRoutes(),
		s.followUpRuleRoutes(),
		s.actionPlanRoutes(),
		s.accountRoutes(),
		s.auditRoutes(),
		s.eventRoutes(),
		s.reportRoutes(),
		s.webhookRoutes(),
	)
}
