package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
)

func (w *Web) auditRoutes(g *echo.Group) {
	g.GET("/audit", w.audit)
	g.GET("/audit/history", w.history)
}

// auditFilters are the filters of GET /v1/events (api.EventQuery) as the
// audit page's form holds them: what the person typed, shown back as it is.
type auditFilters struct {
	AfterSeq, Aggregate, ID, Type, Actor, From, To, Limit, Cursor string
}

// auditFiltersOf reads the filters from the page's query.
func auditFiltersOf(c echo.Context) auditFilters {
	q := c.QueryParam
	return auditFilters{AfterSeq: q("after_seq"), Aggregate: q("aggregate"), ID: q("id"), Type: q("type"), Actor: q("actor"),
		From: q("from"), To: q("to"), Limit: q("limit"), Cursor: q("cursor")}
}

// query is the filters as the API reads them: the times the form gives
// (a datetime-local value, a date) in RFC 3339, the rest as typed, for the
// API to judge.
func (f auditFilters) query() url.Values {
	q := url.Values{}
	for name, v := range map[string]string{"after_seq": f.AfterSeq, "aggregate": f.Aggregate, "id": f.ID, "type": f.Type,
		"actor": f.Actor, "from": rfc3339(f.From), "to": rfc3339(f.To), "limit": f.Limit, "cursor": f.Cursor} {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(name, v)
		}
	}
	return q
}

// FromInput and ToInput are the time filters as a datetime-local input
// shows them.
func (f auditFilters) FromInput() string { return localInput(f.From) }
func (f auditFilters) ToInput() string   { return localInput(f.To) }

// formTimeLayouts are the ways a time filter may be written: RFC 3339, as
// the API takes it, or as a browser's datetime-local or date input sends
// it, read as UTC.
var formTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"}

func parseFormTime(v string) (time.Time, bool) {
	for _, layout := range formTimeLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// rfc3339 is a time filter as the API reads it; a value that is no time
// goes as it is, for the API to name what is wrong with it.
func rfc3339(v string) string {
	if t, ok := parseFormTime(v); ok {
		return t.Format(time.RFC3339)
	}
	return v
}

func localInput(v string) string {
	if t, ok := parseFormTime(v); ok {
		return t.Format("2006-01-02T15:04")
	}
	return v
}

// auditPage is the event log, filtered, with the log's digest and its
// quarantined records.
type auditPage struct {
	Filters auditFilters
	// Kinds are the aggregate kinds, each with its event names, for the
	// filters' choices.
	Kinds  []kindEvents
	People []personName
	Events []eventRow
	// Next is the link to the page after this one; First, on a later
	// page, to the first.
	Next, First string
	// Problem is the API's refusal of the filters, shown beside the form.
	Problem    *apiError
	Digest     api.DigestView
	Quarantine api.QuarantineView
}

// VerifyCommand is how to check, later, that the log up to the digest
// has not changed.
func (p auditPage) VerifyCommand() string {
	return fmt.Sprintf("cxtracker verify --digest %d:%s", p.Digest.Seq, p.Digest.Digest)
}

// auditFieldView is one filter of the audit form, for its label.
type auditFieldView struct{ Field, Label, Message string }

type kindEvents struct {
	Kind  string
	Types []events.EventType
}

type personName struct{ ID, Name string }

// eventRow is one event as the audit pages show it: who did it by name,
// the link to its entity's history, and, on a history, its data as fields.
type eventRow struct {
	api.EventView
	ActorName string
	// Person says the actor is a person of the program.
	Person bool
	// Entity is the id the history link names: a feedback item's own id
	// for feedback_logged, whose aggregate is the touchpoint's partition.
	Entity string
	// EntityName is the entity's name, when it is a person.
	EntityName  string
	HistoryLink string
	Fields      []eventField
}

// eventField is one field of an event's data, as text; Person is the
// name of the person the value is the id of.
type eventField struct {
	Name, Value, Person string
}

func (w *Web) audit(c echo.Context) error {
	p := auditPage{Filters: auditFiltersOf(c), Kinds: kindsOfEvents()}
	names, err := w.personNames(c)
	if err != nil {
		return err
	}
	for id, name := range names {
		p.People = append(p.People, personName{ID: id, Name: name})
	}
	slices.SortFunc(p.People, func(a, b personName) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	if err := w.get(c, "/v1/audit/digest", nil, &p.Digest); err != nil {
		return err
	}
	if err := w.get(c, "/v1/audit/quarantine", nil, &p.Quarantine); err != nil {
		return err
	}
	status := http.StatusOK
	var log api.Page[api.EventView]
	if err := w.get(c, "/v1/events", p.Filters.query(), &log); err != nil {
		if p.Problem = formProblem(err); p.Problem == nil {
			return err
		}
		status = p.Problem.Status
	}
	for _, ev := range log.Items {
		p.Events = append(p.Events, newEventRow(ev, names))
	}
	if log.NextCursor != "" {
		q := c.QueryParams()
		q.Set("cursor", log.NextCursor)
		p.Next = "/audit?" + q.Encode()
	}
	if p.Filters.Cursor != "" {
		q := c.QueryParams()
		q.Del("cursor")
		p.First = "/audit?" + q.Encode()
	}
	return w.render(c, status, page{name: "audit", title: "Audit log", nav: "audit"}, p)
}

// kindsOfEvents are the aggregate kinds with their event types, in the
// catalogue's order.
func kindsOfEvents() []kindEvents {
	var out []kindEvents
	for _, et := range events.EventTypes() {
		i := slices.IndexFunc(out, func(k kindEvents) bool { return k.Kind == et.Kind })
		if i < 0 {
			out = append(out, kindEvents{Kind: et.Kind})
			i = len(out) - 1
		}
		out[i].Types = append(out[i].Types, et)
	}
	return out
}

// newEventRow is ev with its actor's name and its history link.
func newEventRow(ev api.EventView, names map[string]string) eventRow {
	r := eventRow{EventView: ev, Entity: ev.AggregateID}
	r.ActorName, r.Person = names[ev.Actor]
	if !r.Person {
		r.ActorName = ev.Actor
		if id, ok := strings.CutPrefix(ev.Actor, "token/"); ok {
			r.ActorName = "API token " + id
		}
	}
	if ev.Aggregate == events.KindFeedback {
		var item struct {
			FeedbackID string `json:"feedback_id"`
		}
		_ = json.Unmarshal(ev.Data, &item) // no id, no link
		r.Entity = item.FeedbackID
	}
	if ev.Aggregate == events.KindPerson {
		r.EntityName = names[r.Entity]
	}
	if _, ok := api.HistoryPath(ev.Aggregate, r.Entity); ok && r.Entity != "" {
		r.HistoryLink = historyLink(ev.Aggregate, r.Entity)
	}
	return r
}

func historyLink(kind, id string) string {
	return "/audit/history?" + url.Values{"kind": {kind}, "id": {id}}.Encode()
}

// eventFields are the fields of an event's data in the order the event
// gives them: a string as it is, a list of strings joined, null as
// nothing, anything else as compact JSON. Data that is not an object is
// one field, "data".
func eventFields(data json.RawMessage, names map[string]string) []eventField {
	var fields []eventField
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return []eventField{{Name: "data", Value: fieldText(data)}}
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		name, _ := key.(string)
		f := eventField{Name: name, Value: fieldText(v)}
		f.Person = names[f.Value]
		fields = append(fields, f)
	}
	return fields
}

func fieldText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, ", ")
	}
	if string(v) == "null" {
		return ""
	}
	var out bytes.Buffer
	if json.Compact(&out, v) == nil {
		return out.String()
	}
	return string(v)
}

// historyPage is every event of one entity, oldest first.
type historyPage struct {
	Kind, ID string
	Events   []eventRow
	// LogLink is the audit log filtered to the entity's events.
	LogLink string
}

// history shows one entity's history, read from the API's history route
// for its kind.
func (w *Web) history(c echo.Context) error {
	kind, id := c.QueryParam("kind"), strings.TrimSpace(c.QueryParam("id"))
	path, ok := api.HistoryPath(kind, id)
	if !ok {
		return &pageError{Status: http.StatusBadRequest, Title: "No such kind of entity",
			Detail: fmt.Sprintf("%q keeps no history. The kinds that do are: %s.", kind, strings.Join(api.HistoryKinds(), ", ")), Back: "/audit"}
	}
	var h api.History
	if err := w.get(c, path, nil, &h); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return &pageError{Status: http.StatusNotFound, Title: "No such " + kind,
				Detail: fmt.Sprintf("The log holds no %s with the id %q.", kind, id), Back: "/audit"}
		}
		return err
	}
	names, err := w.personNames(c)
	if err != nil {
		return err
	}
	p := historyPage{Kind: h.Aggregate, ID: h.AggregateID}
	for _, ev := range h.Events {
		r := newEventRow(ev, names)
		r.Fields = eventFields(ev.Data, names)
		p.Events = append(p.Events, r)
	}
	// A feedback item's events are in its touchpoint's partition and its
	// follow-up's: the log's filter reaches the follow-up's.
	logKind := h.Aggregate
	if logKind == events.KindFeedback {
		logKind = events.KindFollowUp
	}
	p.LogLink = "/audit?" + url.Values{"aggregate": {logKind}, "id": {h.AggregateID}}.Encode()
	return w.render(c, http.StatusOK, page{name: "history", title: "History of " + h.Aggregate + " " + h.AggregateID, nav: "audit"}, p)
}
