package api

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Limits protect the API from clients that send too much.
type Limits struct {
	// Rate is the sustained requests per second one token may send, Burst
	// how many it may send at once. Zero Rate turns limiting off.
	Rate  float64
	Burst int
	// RequestTimeout bounds a request's work (the event stream is exempt).
	RequestTimeout time.Duration
}

// DefaultLimits suit a program office and its services on one server.
func DefaultLimits() Limits {
	return Limits{Rate: 100, Burst: 200, RequestTimeout: 30 * time.Second}
}

// rateLimiter keeps one token bucket per caller. A signed-in caller is known
// by its token; anyone else by the connection's address, never by a header
// such as X-Forwarded-For that a client can write itself.
type rateLimiter struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	byKey map[string]*bucket
	swept time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newRateLimiter(l Limits) *rateLimiter {
	return &rateLimiter{limit: rate.Limit(l.Rate), burst: max(l.Burst, 1), byKey: map[string]*bucket{}}
}

// allow takes one request from key's bucket, or says how long to wait.
func (r *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.swept) > time.Minute {
		for k, b := range r.byKey {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(r.byKey, k)
			}
		}
		r.swept = now
	}
	b := r.byKey[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(r.limit, r.burst)}
		r.byKey[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateKey is who a request counts against.
func rateKey(c echo.Context) string {
	if t := callerOf(c).TokenID; t != "" {
		return "token:" + t
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		host = c.Request().RemoteAddr
	}
	return "addr:" + host
}

// limitRate answers 429 with Retry-After once the caller's bucket is empty.
func (s *Server) limitRate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.takeRate(c); err != nil {
			return err
		}
		return next(c)
	}
}

// takeRate takes one request from the caller's bucket, or answers the 429.
func (s *Server) takeRate(c echo.Context) error {
	if s.rates == nil {
		return nil
	}
	if ok, wait := s.rates.allow(rateKey(c), s.Clock.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		return &Problem{Status: http.StatusTooManyRequests, Title: "Too many requests",
			Detail: "this token has sent more requests than its rate allows; retry after the time in Retry-After"}
	}
	return nil
}

// securityHeaders are sent on every answer: the API serves JSON to programs,
// never pages to browsers, so nothing may be sniffed, framed or cached.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

// timeout bounds a request's work by its context; the writes and reads
// under it give up with a 503 when it ends.
func timeout(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if d <= 0 {
				return next(c)
			}
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}
