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
	// RequestTimeout bounds a request's work (the event stream is exempt),
	// and the arrival of its body.
	RequestTimeout time.Duration
	// StreamsPerToken and Streams cap the event streams open at once, for
	// one token and in all (streamslots.go); zero takes the default.
	StreamsPerToken, Streams int
}

// DefaultLimits suit a program office and its services on one server.
func DefaultLimits() Limits {
	return Limits{Rate: 100, Burst: 200, RequestTimeout: 30 * time.Second,
		StreamsPerToken: DefaultStreamsPerToken, Streams: DefaultStreams}
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

// quota is what a caller's bucket holds after a request, as the RateLimit
// headers tell it: its size, the requests left, and the seconds until it is
// full again.
type quota struct {
	limit, remaining, reset int
}

// allow takes one request from key's bucket, or says how long to wait; it
// also answers the bucket's quota.
func (r *rateLimiter) allow(key string, now time.Time) (bool, time.Duration, quota) {
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
	d := res.DelayFrom(now)
	if d > 0 {
		res.CancelAt(now)
	}
	left := max(b.lim.TokensAt(now), 0)
	q := quota{limit: r.burst, remaining: int(left)}
	if r.limit > 0 {
		q.reset = int(math.Ceil((float64(r.burst) - left) / float64(r.limit)))
	}
	return d <= 0, d, q
}

// rateKey is who a request counts against.
func rateKey(c echo.Context) string {
	if t := callerOf(c).TokenID; t != "" {
		return "token:" + t
	}
	return addrKey(c.Request())
}

// addrKey is the key of the address r came from.
func addrKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "addr:" + host
}

// SignInFailed counts a failed sign-in from the address r came from, as a
// wrong token sent to the API counts (refuse, in auth.go), in the same
// bucket: the dashboard's one-time links are guessed no faster than
// tokens. It answers true, with how long to wait, once the address has
// failed more often than its rate allows.
func (s *Server) SignInFailed(r *http.Request) (time.Duration, bool) {
	if s.rates == nil {
		return 0, false
	}
	ok, wait, _ := s.rates.allow(addrKey(r), s.Clock.Now())
	return wait, !ok
}

// The rate limit headers of the IETF draft (draft-ietf-httpapi-ratelimit-
// headers), sent on every answer the rate limiter sees: the bucket's size,
// the requests left in it, and the seconds until it is full again.
const (
	HeaderRateLimitLimit     = "RateLimit-Limit"
	HeaderRateLimitRemaining = "RateLimit-Remaining"
	HeaderRateLimitReset     = "RateLimit-Reset"
)

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
	ok, wait, q := s.rates.allow(rateKey(c), s.Clock.Now())
	h := c.Response().Header()
	h.Set(HeaderRateLimitLimit, strconv.Itoa(q.limit))
	h.Set(HeaderRateLimitRemaining, strconv.Itoa(q.remaining))
	h.Set(HeaderRateLimitReset, strconv.Itoa(q.reset))
	if !ok {
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

// maxRequestID bounds the X-Request-Id a client may send, which the events
// of its writes keep as their correlation id; a longer one is dropped, and
// a new one made in its place, so that the id's documented bound holds.
const maxRequestID = 100

// boundRequestID drops an over-long X-Request-Id before Echo adopts it.
func boundRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h := c.Request().Header; len(h.Get(echo.HeaderXRequestID)) > maxRequestID {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}
