package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Live pages refresh themselves when the log moves: static/live.js opens
// /live, which is the API's Server-Sent Events stream as the session's
// caller (its caps per token included), resumed after the sequence the page
// was drawn at. On an event the script fetches the page again and swaps its
// <main>; with JavaScript off the page is simply not live.
func (w *Web) liveRoutes(g *echo.Group) {
	g.GET("/live", w.live)
}

func (w *Web) live(c echo.Context) error {
	after := c.QueryParam("after")
	if _, err := strconv.ParseUint(after, 10, 64); err != nil {
		return &pageError{Status: http.StatusBadRequest, Title: "Bad live request", Detail: "after must be a stream sequence"}
	}
	req, err := http.NewRequestWithContext(c.Request().Context(), http.MethodGet, "/v1/events/stream", http.NoBody)
	if err != nil {
		return err
	}
	req.RemoteAddr = c.Request().RemoteAddr
	req.Header.Set("Last-Event-ID", after)
	req.Header.Set("Accept", "text/event-stream")
	w.api.Handler().ServeHTTP(&liveWriter{ResponseWriter: c.Response()}, sessionOf(c).request(req))
	return nil
}

// liveWriter passes the API's event stream on as plain messages a page's
// EventSource hears with onmessage: each event becomes its sequence as id
// and its type as data; the payload stays on the server. Comments (the
// keep-alives) pass as they are.
type liveWriter struct {
	http.ResponseWriter
	buf []byte
}

func (l *liveWriter) Write(b []byte) (int, error) {
	if l.Header().Get("Content-Type") != "text/event-stream" {
		return l.ResponseWriter.Write(b) // a problem document: as it is
	}
	l.buf = append(l.buf, b...)
	for {
		i := bytes.Index(l.buf, []byte("\n\n"))
		if i < 0 {
			return len(b), nil
		}
		frame := string(l.buf[:i])
		l.buf = l.buf[i+2:]
		var out strings.Builder
		for line := range strings.SplitSeq(frame, "\n") {
			switch {
			case strings.HasPrefix(line, ":"), strings.HasPrefix(line, "id: "), strings.HasPrefix(line, "retry: "):
				out.WriteString(line + "\n")
			case strings.HasPrefix(line, "event: "):
				out.WriteString("data: " + strings.TrimPrefix(line, "event: ") + "\n")
			}
		}
		out.WriteString("\n")
		if _, err := io.WriteString(l.ResponseWriter, out.String()); err != nil {
			return 0, err
		}
	}
}

func (l *liveWriter) Flush() {
	if f, ok := l.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// seqKey holds the sequence the views had applied when the request came
// in: a live page drawn from them refreshes on any event after it.
const seqKey = "web.seq"

func (w *Web) markSeq(c echo.Context) {
	c.Set(seqKey, w.api.Projector.LastSeq())
}

func seqOf(c echo.Context) uint64 {
	s, _ := c.Get(seqKey).(uint64)
	return s
}
