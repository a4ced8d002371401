package api

import (
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// bodyDeadline gives a request's body d of the client's time to arrive: past
// it, reading the body fails and the request answers 408 (bind.go,
// errors.go). Only the headers have a server-wide timeout
// (http.Server.ReadHeaderTimeout), and http.Server.ReadTimeout is no answer,
// since it would also end every event stream once d passed.
//
// The deadline is the connection's, so it holds however slowly the bytes
// come; but only the time the server spends waiting in a read of the body
// counts against it (clientTimed). A handler that works between its reads,
// as the import does while it checks and appends the lines read so far,
// spends its own time, not the client's: a client that sent its whole body
// at once is never cut because the log was slow. The server clears the
// deadline once the body has been read, and before the connection's next
// request.
func bodyDeadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if d <= 0 {
				return next(c)
			}
			rc := http.NewResponseController(c.Response())
			// A body never read (a request refused first) is still bounded.
			// A writer that cannot set deadlines (a test recorder) leaves
			// the body unbounded, as before.
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				req := c.Request()
				req.Body = &clientTimed{ReadCloser: req.Body, rc: rc, left: d}
			}
			return next(c)
		}
	}
}

// clientTimed is a request body that spends the client's time only while
// a read waits: before each read the connection's deadline is set to what
// is left of the client's time, and the read's wait is taken from it.
// Reads are one at a time, as a body's always are.
type clientTimed struct {
	io.ReadCloser
	rc   *http.ResponseController
	left time.Duration
	// over is set once a read has failed or reached the end: the server
	// then owns the connection's deadline again (it reads on in the
	// background, looking for the client going away), and it must not be
	// moved.
	over bool
}

func (b *clientTimed) Read(p []byte) (int, error) {
	if b.over {
		return b.ReadCloser.Read(p)
	}
	began := time.Now()
	if err := b.rc.SetReadDeadline(began.Add(b.left)); err != nil {
		return 0, err
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= time.Since(began)
	b.over = err != nil
	return n, err
}
