package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// EventView is one event of the audit log as clients read it: what
// happened, to what, when, by whom, why (where the event says), and what
// changed (its data). It has two times: OccurredAt, when it happened (the
// CloudEvents time, also shown as Time for the clients that read that), and
// RecordedAt, when the log stored it. RecordedLate marks an event recorded
// after the program had moved on more than a day past it (markLate).
type EventView struct {
	Seq           uint64          `json:"seq"`
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Event         string          `json:"event"`
	Aggregate     string          `json:"aggregate"`
	AggregateID   string          `json:"aggregate_id"`
	Version       uint64          `json:"version"`
	SchemaVersion int             `json:"schema_version"`
	Time          time.Time       `json:"time"`
	OccurredAt    time.Time       `json:"occurred_at"`
	RecordedAt    time.Time       `json:"recorded_at"`
	RecordedLate  bool            `json:"recorded_late,omitempty" doc:"present (true) when the event was recorded late: when it was stored, the log already held events that happened more than a day after it"`
	Actor         string          `json:"actor,omitempty"`
	ActorToken    string          `json:"actor_token,omitempty"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Reason        string          `json:"reason,omitempty"`
	Data          json.RawMessage `json:"data"`
}

// viewEvent shows a record, with its data upcast to the current schema.
func viewEvent(rec events.Record) EventView {
	ev, err := events.Upcast(rec.Event)
	if err != nil {
		ev = rec.Event
	}
	agg, name, _ := events.ParseSubject(rec.Subject)
	v := EventView{
		Seq: rec.Seq, ID: ev.ID, Type: ev.Type, Event: name, Aggregate: agg.Kind, AggregateID: agg.ID,
		Version: ev.AggregateVersion, SchemaVersion: ev.SchemaVersion, Time: ev.Time, OccurredAt: ev.Time, RecordedAt: rec.Stored.UTC(), Actor: ev.Actor,
		ActorToken: ev.ActorToken, CorrelationID: ev.CorrelationID, CausationID: ev.CausationID, Data: ev.Data,
	}
	var why struct {
		Reason    string `json:"reason"`
		Rationale string `json:"rationale"`
	}
	if json.Unmarshal(ev.Data, &why) == nil {
		v.Reason = why.Reason
		if v.Reason == "" {
			v.Reason = why.Rationale
		}
	}
	return v
}

// EventQuery documents the audit log's query: its filters, and a page.
type EventQuery struct {
	EventFilters
	Limit  int    `query:"limit" doc:"events per page, at most 500 (50 when absent)"`
	Cursor string `query:"cursor" doc:"the next_cursor of the page before"`
}

// EventFilters documents the filters the audit log and its stream share.
type EventFilters struct {
	AfterSeq  uint64    `query:"after_seq" doc:"only events after this stream sequence"`
	Aggregate string    `query:"aggregate" doc:"aggregate kind: person, program, council, crew, initiative, journey, feedback, followup, kpi, actionplan, token"`
	ID        string    `query:"id" doc:"aggregate id"`
	Type      string    `query:"type" doc:"event name (vote_cast) or CloudEvents type (cx.initiative.vote_cast)"`
	Actor     string    `query:"actor" doc:"the person (or token/<id>) who caused the event"`
	From      time.Time `query:"from" doc:"RFC 3339: events at or after"`
	To        time.Time `query:"to" doc:"RFC 3339: events before"`
}

// eventFilter is a parsed EventQuery.
type eventFilter struct {
	// viewer is who reads: what of an event's data is shown depends on it.
	viewer Caller
	from   events.Position
	actor  string
	to     time.Time
	limit  int
}

// parseEventQuery reads the audit filters; every bad value is named.
func parseEventQuery(c echo.Context) (eventFilter, error) {
	var f eventFilter
	var errs []FieldError
	after := uint64(0)
	for _, name := range []string{"after_seq", "cursor"} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				errs = append(errs, FieldError{Field: name, Message: "must be a stream sequence"})
			}
			after = max(after, n)
		}
	}
	kind, id, name := "*", "*", "*"
	if v := c.QueryParam("aggregate"); v != "" {
		kind = v
	}
	if v := c.QueryParam("id"); v != "" {
		id = v
	}
	if v := c.QueryParam("type"); v != "" {
		name = v
		if parts := strings.Split(v, "."); len(parts) == 3 && parts[0] == events.SubjectPrefix {
			kind, name = parts[1], parts[2]
		}
	}
	for field, tok := range map[string]string{"aggregate": kind, "id": id, "type": name} {
		if tok != "*" && (strings.ContainsAny(tok, ".*> \t") || tok == "") {
			errs = append(errs, FieldError{Field: field, Message: "is not a single subject token"})
		}
	}
	f.from = events.FromSeq(after + 1)
	if v := c.QueryParam("from"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, FieldError{Field: "from", Message: "must be an RFC 3339 time"})
		} else if after == 0 {
			f.from = events.FromTime(t)
		}
	}
	if v := c.QueryParam("to"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, FieldError{Field: "to", Message: "must be an RFC 3339 time"})
		}
		f.to = t
	}
	f.limit = defaultLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, FieldError{Field: "limit", Message: "must be a whole number from 1"})
		}
		f.limit = min(max(n, 1), maxLimit)
	}
	if len(errs) > 0 {
		return eventFilter{}, invalid(errs...)
	}
	f.actor = c.QueryParam("actor")
	f.viewer = callerOf(c)
	f.from = f.from.Only(strings.Join([]string{events.SubjectPrefix, kind, id, name}, "."))
	return f, nil
}

// keep reports whether a record passes the filters the subject cannot say.
func (f eventFilter) keep(rec events.Record) bool {
	return (f.actor == "" || rec.Event.Actor == f.actor) && (f.to.IsZero() || rec.Event.Time.Before(f.to))
}

// errPageFull stops a read once a page is full.
var errPageFull = errors.New("page full")

// readEvents reads one page of the log.
func (s *Server) readEvents(ctx context.Context, f eventFilter) (Page[EventView], error) {
	page := Page[EventView]{Items: []EventView{}}
	// A damaged record is skipped here: it has no event to show, and GET
	// /v1/audit/quarantine lists it.
	err := s.Store.Read(ctx, f.from.WithDamage(), func(rec events.Record) error {
		if rec.Damage != nil || !f.keep(rec) {
			return nil
		}
		if len(page.Items) == f.limit {
			page.NextCursor = strconv.FormatUint(page.Items[len(page.Items)-1].Seq, 10)
			return errPageFull
		}
		page.Items = append(page.Items, showEvent(f.viewer, rec))
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		return Page[EventView]{}, err
	}
	return page, s.markLate(ctx, page.Items)
}

// listEvents answers GET /v1/events.
func (s *Server) listEvents(c echo.Context) error {
	f, err := parseEventQuery(c)
	if err != nil {
		return err
	}
	page, err := s.readEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return ok(c, page)
}

// historyCollections maps each collection of the API to its aggregate kind;
// the singletons have a fixed id.
var historyCollections = []struct {
	path, kind, singleton string
}{
	{"people", events.KindPerson, ""},
	{"crews", events.KindCrew, ""},
	{"initiatives", events.KindInitiative, ""},
	{"journeys", events.KindJourney, ""},
	{"kpis", events.KindKPI, ""},
	{"follow-up-rules", events.KindFollowUpRule, ""},
	{"action-plans", events.KindActionPlan, ""},
	{"accounts", events.KindAccount, ""},
	{"webhooks", events.KindWebhook, ""},
	{"tokens", events.KindToken, ""},
	{"program", events.KindProgram, events.ProgramAggregate.ID},
	{"council", events.KindCouncil, events.CouncilAggregate.ID},
}

// HistoryKinds are the aggregate kinds whose entities have a history
// route, in the order of the API's routes: the collections', then
// feedback's (a follow-up's history is its feedback item's).
func HistoryKinds() []string {
	out := make([]string, 0, len(historyCollections)+2)
	for _, col := range historyCollections {
		out = append(out, col.kind)
	}
	return append(out, events.KindFeedback, events.KindFollowUp)
}

// HistoryPath is the path of the history of the entity of aggregate kind
// with id (ignored for the program and the council, which are one each),
// and false for a kind that has no history route. A feedback item's id is
// its feedback id, not its touchpoint's partition; a follow-up's history
// is its feedback item's.
func HistoryPath(kind, id string) (string, bool) {
	if kind == events.KindFeedback || kind == events.KindFollowUp {
		return "/v1/feedback/" + url.PathEscape(id) + "/history", true
	}
	for _, col := range historyCollections {
		switch {
		case col.kind != kind:
		case col.singleton != "":
			return "/v1/" + col.path + "/history", true
		default:
			return "/v1/" + col.path + "/" + url.PathEscape(id) + "/history", true
		}
	}
	return "", false
}

// History is every event of one entity, oldest first.
type History struct {
	Aggregate   string      `json:"aggregate"`
	AggregateID string      `json:"aggregate_id"`
	Events      []EventView `json:"events"`
}

func (s *Server) history(kind, fixedID string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := fixedID
		if id == "" {
			id = c.Param("id")
		}
		agg := events.Aggregate{Kind: kind, ID: id}
		if agg.Validate() != nil {
			return notFound(kind, id)
		}
		h := History{Aggregate: kind, AggregateID: id, Events: []EventView{}}
		err := s.Store.Read(c.Request().Context(), events.FromSeq(1).Only(agg.Filter()).WithDamage(), func(rec events.Record) error {
			if rec.Damage == nil {
				h.Events = append(h.Events, showEvent(callerOf(c), rec))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(h.Events) == 0 && fixedID == "" {
			return notFound(kind, id)
		}
		if err := s.markLate(c.Request().Context(), h.Events); err != nil {
			return err
		}
		return ok(c, h)
	}
}

// feedbackHistory is one feedback item's events: its feedback_logged, read
// from its touchpoint's partition (items share it, so the partition is
// read and the item's own event kept), then its follow-up's events.
func (s *Server) feedbackHistory(c echo.Context) error {
	id := c.Param("id")
	item, found := s.Views.Feedback.Item(id)
	if !found {
		return notFound("feedback", id)
	}
	ctx := c.Request().Context()
	h := History{Aggregate: events.KindFeedback, AggregateID: id, Events: []EventView{}}
	logged := events.Aggregate{Kind: events.KindFeedback, ID: item.TouchpointID}.Subject(events.EventFeedbackLogged)
	err := s.Store.Read(ctx, events.FromSeq(1).Only(logged).WithDamage(), func(rec events.Record) error {
		var d struct {
			FeedbackID string `json:"feedback_id"`
		}
		if json.Unmarshal(rec.Event.Data, &d) == nil && d.FeedbackID == id {
			h.Events = append(h.Events, showEvent(callerOf(c), rec))
			return errPageFull // an item is logged once
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		return err
	}
	followUp := events.Aggregate{Kind: events.KindFollowUp, ID: id}
	if err := s.Store.Read(ctx, events.FromSeq(1).Only(followUp.Filter()).WithDamage(), func(rec events.Record) error {
		if rec.Damage == nil {
			h.Events = append(h.Events, showEvent(callerOf(c), rec))
		}
		return nil
	}); err != nil {
		return err
	}
	if err := s.markLate(ctx, h.Events); err != nil {
		return err
	}
	return ok(c, h)
}

func (s *Server) eventRoutes() []Route {
	routes := []Route{
		{Method: http.MethodGet, Path: "/v1/events", Summary: "the audit log: every event, oldest first, filtered; next_cursor is the last sequence of the page",
			Query: EventQuery{}, Response: Page[EventView]{}, Handler: s.listEvents},
		{Method: http.MethodGet, Path: "/v1/events/stream", Summary: "Server-Sent Events, live, id = stream sequence; Last-Event-ID resumes after that sequence; filters aggregate, id, type",
			Query: StreamQuery{}, Produces: "text/event-stream", Handler: s.streamEvents},
	}
	routes = append(routes, Route{Method: http.MethodGet, Path: "/v1/feedback/{id}/history",
		Summary: "every event of one feedback item, oldest first: how it was logged, and its follow-up", Response: History{}, Handler: s.feedbackHistory})
	for _, col := range historyCollections {
		path := "/v1/" + col.path + "/{id}/history"
		if col.singleton != "" {
			path = "/v1/" + col.path + "/history"
		}
		routes = append(routes, Route{Method: http.MethodGet, Path: path, Summary: "every event of one " + col.kind + ", oldest first",
			Response: History{}, Handler: s.history(col.kind, col.singleton)})
	}
	return routes
}
