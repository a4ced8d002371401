package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// StreamQuery documents the live stream's filters.
type StreamQuery struct {
	EventFilters
	LastEventID uint64 `query:"last_event_id" doc:"resume after this sequence, for clients that cannot send the Last-Event-ID header"`
}

// heartbeat keeps idle connections (and the proxies between) open.
const heartbeat = 15 * time.Second

// streamEvents sends the log as Server-Sent Events from the point the client
// names on, then live. Each client reads the log through its own ordered
// consumer at its own pace: a slow client holds back only itself, and it
// loses nothing, since what it has not read yet waits in the log.
func (s *Server) streamEvents(c echo.Context) error {
	f, err := parseEventQuery(c)
	if err != nil {
		return err
	}
	after := uint64(0)
	for _, v := range []string{c.Request().Header.Get("Last-Event-ID"), c.QueryParam("last_event_id")} {
		if v == "" {
			continue
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return badRequest("Last-Event-ID must be a stream sequence")
		}
		after = max(after, n)
	}
	if after > 0 {
		f.from = events.FromSeq(after + 1).Only(f.from.Subject)
	}

	release, err := s.streams.take(callerOf(c).TokenID)
	if err != nil {
		return err
	}
	defer release()

	ctx, cancel := context.WithCancel(c.Request().Context())
	recs := make(chan events.Record)
	failed := make(chan error, 1)
	// The handler returns only once Follow has, so that the slot is given
	// back after the stream's consumer is gone, not before.
	followed := false
	defer func() {
		cancel()
		if !followed {
			<-failed
		}
	}()
	go func() {
		// Tolerant, as the audit log's page is: a quarantined record
		// (GET /v1/audit/quarantine) is left out, not a reason to end
		// every client's stream.
		failed <- s.Store.Follow(ctx, f.from.WithDamage(), func(rec events.Record) error {
			select {
			case recs <- rec:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	w.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case rec := <-recs:
			if rec.Damage != nil || !f.keep(rec) {
				continue
			}
			v := []EventView{showEvent(f.viewer, rec)}
			if err := s.markLate(ctx, v); err != nil && ctx.Err() != nil {
				return nil
			}
			data, _ := json.Marshal(v[0])
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", rec.Seq, rec.Event.Type, data); err != nil {
				return nil
			}
			w.Flush()
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			w.Flush()
		case err := <-failed:
			followed = true
			if ctx.Err() == nil && err != nil {
				s.Logger.Warn("event stream ended", "err", err)
			}
			return nil
		case <-ctx.Done():
			return nil
		case <-s.streamsDone:
			return nil
		}
	}
}
