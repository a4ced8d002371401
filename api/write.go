package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// Write is one command sent through the API.
type Write struct {
	// Aggregate is the entity the command changes, for If-Match; zero for a
	// command that creates it.
	Aggregate events.Aggregate
	Command   events.Command
	// Status is the success status: 201 for a creation, 200 otherwise.
	Status int
	// View renders the resource after the write, from the read models.
	View func() (any, error)
}

// Headers of the write protocol.
const (
	HeaderEventSeq       = "X-Event-Seq"
	HeaderMinSeq         = "X-Min-Seq"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// write runs a command for the caller and answers with the resource's new
// state, X-Event-Seq (the stream sequence of its last event) and ETag (the
// aggregate's version). If-Match makes it conditional: the version is
// checked inside the decision, against the same state the append expects,
// so a concurrent change cannot slip between check and write. A keyed
// request already written (idempotency.go) is answered again without
// writing.
func (s *Server) write(c echo.Context, w Write) error {
	caller, k := callerOf(c), keyedOf(c)
	if k != nil && k.done != nil {
		return s.answer(c, w, k.done.Seq, k.done.Version, true)
	}
	var conditions []events.ExecuteOption
	if im := c.Request().Header.Get("If-Match"); im != "" {
		version, err := parseETag(im)
		if err != nil {
			return err
		}
		conditions = append(conditions, events.IfVersion(w.Aggregate, version))
	}
	at, err := s.occurredAt(c)
	if err != nil {
		return err
	}
	meta := k.meta(events.Meta{
		Actor: caller.actor(), ActorToken: caller.TokenID, Time: at,
		CorrelationID: c.Response().Header().Get(echo.HeaderXRequestID),
	})
	res, err := s.Engine.Execute(c.Request().Context(), w.Command, meta, conditions...)
	if k != nil && (err != nil || res.Appended.Duplicate) {
		// Another copy of the request (another replica's, most likely)
		// may have written the key first: then this one answers as a
		// retry of it, or 422 if that copy was another request.
		done, found, serr := s.settled(c, k)
		// The copy that wrote first keeps its answer; this one is not
		// the key's first answer.
		k.fromLog = found
		switch {
		case found && serr != nil:
			return serr
		case found:
			return s.answer(c, w, done.Seq, done.Version, true)
		case err == nil && serr != nil:
			return serr
		}
	}
	if err != nil {
		return err
	}
	// Execute has waited for the projector (the Engine's feed), so the
	// views hold the write: there is nothing more to wait for.
	seq := res.Appended.LastSeq
	if seq == 0 {
		seq = res.Stream.Seq
	}
	return s.answer(c, w, seq, res.Stream.Version, false)
}

func (s *Server) answer(c echo.Context, w Write, seq, version uint64, replayed bool) error {
	view, err := w.View()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(HeaderEventSeq, strconv.FormatUint(seq, 10))
	h.Set("ETag", formatETag(version))
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	status := w.Status
	if status == 0 {
		status = http.StatusOK
	}
	return c.JSON(status, view)
}

// waitFor waits, bounded, until the read models have applied seq.
func (s *Server) waitFor(ctx context.Context, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, s.WaitTimeout)
	defer cancel()
	if err := s.Projector.WaitFor(ctx, seq); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return unavailable(fmt.Sprintf("the read models have not reached seq %d yet; retry shortly", seq))
		}
		return err
	}
	return nil
}

func formatETag(version uint64) string { return `"` + strconv.FormatUint(version, 10) + `"` }

// parseETag reads the version out of an If-Match value such as "7" or W/"7".
func parseETag(v string) (uint64, error) {
	t := strings.TrimPrefix(strings.TrimSpace(v), "W/")
	t = strings.Trim(t, `"`)
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, badRequest("If-Match must be an ETag this API gave, such as \"3\"")
	}
	return n, nil
}
