package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/webhooks"
)

// WebhookRequest registers an endpoint for event types.
type WebhookRequest struct {
	URL   string   `json:"url" doc:"https, or http to a loopback host; a host on a private, link-local or other non-public address is refused"`
	Types []string `json:"types" doc:"CloudEvents types of the catalogue, such as cx.feedback.feedback_logged"`
}

// WebhookView is a subscription and how its deliveries go.
type WebhookView struct {
	ID             string    `json:"id"`
	URL            string    `json:"url"`
	Types          []string  `json:"types"`
	CreatedAt      time.Time `json:"created_at"`
	RegisteredBy   string    `json:"registered_by,omitempty"`
	Status         string    `json:"status" enum:"active,paused"`
	PausedReason   string    `json:"paused_reason,omitempty"`
	PausedAt       time.Time `json:"paused_at,omitzero"`
	FailingSince   time.Time `json:"failing_since,omitzero" doc:"when the failures since the last success began; a day of them pauses the subscription"`
	LastError      string    `json:"last_error,omitempty"`
	LastErrorAt    time.Time `json:"last_error_at,omitzero"`
	Delivered      uint64    `json:"delivered"`
	FailedAttempts uint64    `json:"failed_attempts"`
	LastSeq        uint64    `json:"last_seq,omitempty" doc:"the stream sequence of the last event delivered"`
}

// RegisteredWebhook is a subscription as registered: the only answer that
// shows its signing secret.
type RegisteredWebhook struct {
	WebhookView
	Secret string `json:"secret,omitempty" doc:"the Standard Webhooks signing secret (whsec_ and base64), shown once"`
}

// WebhookDeliveries are a subscription's latest delivery attempts, newest
// first.
type WebhookDeliveries struct {
	Webhook    WebhookView         `json:"webhook"`
	Deliveries []webhooks.Delivery `json:"deliveries"`
}

func (s *Server) webhookRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/webhooks", Allow: Rule{Roles: cxTeam},
			Summary: "register an endpoint for event types (webhook_registered, without the secret): each event is POSTed as a CloudEvent signed per Standard Webhooks; the answer shows the secret once",
			Request: WebhookRequest{}, Response: RegisteredWebhook{}, Status: http.StatusCreated, Handler: s.registerWebhook},
		{Method: http.MethodGet, Path: "/v1/webhooks", Allow: Rule{Roles: cxTeam}, Summary: "every webhook and how its deliveries go",
			Response: Page[WebhookView]{}, Handler: s.listWebhooks},
		{Method: http.MethodGet, Path: "/v1/webhooks/{id}", Allow: Rule{Roles: cxTeam}, Summary: "one webhook: active or paused and why, the last error",
			Response: WebhookView{}, Handler: s.getWebhook},
		{Method: http.MethodGet, Path: "/v1/webhooks/{id}/deliveries", Allow: Rule{Roles: cxTeam}, Summary: "a webhook's latest delivery attempts, newest first",
			Response: WebhookDeliveries{}, Handler: s.webhookDeliveries},
		{Method: http.MethodPost, Path: "/v1/webhooks/{id}/resume", Allow: Rule{Roles: cxTeam},
			Summary: "resume a paused webhook (webhook_resumed): its held event is tried again at once", Response: WebhookView{}, Handler: s.resumeWebhook},
		{Method: http.MethodDelete, Path: "/v1/webhooks/{id}", Allow: Rule{Roles: cxTeam},
			Summary: "delete a webhook (webhook_deleted): nothing more is delivered to it", Response: WebhookView{}, Handler: s.deleteWebhook},
	}
}

// webhookService is the service, or the 503 of a tracker that has none.
func (s *Server) webhookService() (*webhooks.Service, error) {
	if s.Webhooks == nil {
		return nil, unavailable("this tracker delivers no webhooks")
	}
	return s.Webhooks, nil
}

// webhookProblem maps the service's refusals to problems.
func webhookProblem(err error, id string) error {
	var field *webhooks.FieldError
	switch {
	case errors.As(err, &field):
		return invalid(FieldError{Field: field.Field, Message: field.Message})
	case errors.Is(err, webhooks.ErrNotFound), errors.Is(err, events.ErrInvalid):
		return notFound("webhook", id)
	}
	return err
}

func viewWebhook(sub webhooks.Subscription, st webhooks.State) WebhookView {
	return WebhookView{ID: sub.ID, URL: sub.URL, Types: sub.Types, CreatedAt: sub.CreatedAt, RegisteredBy: sub.CreatedBy,
		Status: st.Status, PausedReason: st.PausedReason, PausedAt: st.PausedAt, FailingSince: st.FailingSince,
		LastError: st.LastError, LastErrorAt: st.LastErrorAt, Delivered: st.Delivered, FailedAttempts: st.Failed, LastSeq: st.LastSeq}
}

// registerWebhook keeps the subscription with its secret, then writes its
// webhook_registered through the Engine: the subscription delivers only
// once both exist (webhooks.Service.Keep), so a crash between them leaves
// nothing that delivers. A retry with the same Idempotency-Key names the
// same id: one whose first try stopped between the two finds the
// subscription kept and writes the event; one already written is answered
// without the secret, which is never kept with an answer.
func (s *Server) registerWebhook(c echo.Context) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	var req WebhookRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx, id, k := c.Request().Context(), s.newID(c), keyedOf(c)
	var secret string
	if k == nil || k.done == nil {
		sub, err := svc.Keep(ctx, id, req.URL, req.Types, callerOf(c).actor())
		if err != nil {
			return webhookProblem(err, "")
		}
		secret = sub.Secret
	}
	return s.write(c, Write{
		Command: events.RegisterWebhook{WebhookID: id, URL: req.URL, Types: req.Types}, Status: http.StatusCreated,
		View: func() (any, error) {
			svc.Nudge()
			sub, st, err := svc.Get(ctx, id)
			if err != nil {
				return nil, webhookProblem(err, id)
			}
			answer := RegisteredWebhook{WebhookView: viewWebhook(sub, st)}
			k.keepInstead(answer)
			answer.Secret = secret
			return answer, nil
		}})
}

func (s *Server) listWebhooks(c echo.Context) error {
	svc, err := s.webhookService()
	if err != nil {
		return err
	}
	subs, states, err := svc.List(c.Request().Context())
	if err != nil {
		return err
	}
	page := Page[WebhookView]{Items: make([]WebhookView, len(subs))}
	for i := range subs {
		page.Items[i] = viewWebhook(subs[i], states[i])
	}
	return ok(c, page)
}

// webhook is the subscription the path names, and its state.
func (s *Server) webhook(c echo.Context) (webhooks.Subscription, webhooks.State, error) {
	svc, err := s.webhookService()
	if err != nil {
		return webhooks.Subscription{}, webhooks.State{}, err
	}
	id := c.Param("id")
	sub, st, err := svc.Get(c.Request().Context(), id)
	return sub, st, webhookProblem(err, id)
}

func (s *Server) getWebhook(c echo.Context) error {
	sub, st, err := s.webhook(c)
	if err != nil {
		return err
	}
	return ok(c, viewWebhook(sub, st))
}

func (s *Server) webhookDeliveries(c echo.Context) error {
	sub, st, err := s.webhook(c)
	if err != nil {
		return err
	}
	return ok(c, WebhookDeliveries{Webhook: viewWebhook(sub, st), Deliveries: st.Recent})
}

func (s *Server) resumeWebhook(c echo.Context) error {
	if _, _, err := s.webhook(c); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{Aggregate: events.Aggregate{Kind: events.KindWebhook, ID: id}, Command: events.ResumeWebhook{WebhookID: id},
		View: func() (any, error) {
			s.Webhooks.Nudge()
			sub, st, err := s.webhook(c)
			return viewWebhook(sub, st), err
		}})
}

// deleteWebhook writes webhook_deleted, then forgets the subscription's
// secret, feed and state: from the event on nothing is delivered (the
// runners ask the log before each delivery), and a crash before the
// secret is gone leaves it to the next start (webhooks.Service.Run).
func (s *Server) deleteWebhook(c echo.Context) error {
	sub, st, err := s.webhook(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{Aggregate: events.Aggregate{Kind: events.KindWebhook, ID: id}, Command: events.DeleteWebhook{WebhookID: id},
		View: func() (any, error) {
			if err := s.Webhooks.Forget(c.Request().Context(), id); err != nil {
				return nil, err
			}
			return viewWebhook(sub, st), nil
		}})
}

// WebhookEvent is the body of a webhook delivery: a CloudEvent in
// structured JSON mode, with the attributes and extensions of the event as
// stored and its data as the audit log and the live stream show it to a
// reader who is not the admin (showEvent), so that whatever those leave
// out or hide, a delivery does too. Seq, RecordedAt and RecordedLate are
// the audit log's, as extensions.
type WebhookEvent struct {
	SpecVersion      string          `json:"specversion"`
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Source           string          `json:"source"`
	Subject          string          `json:"subject"`
	Time             time.Time       `json:"time"`
	DataContentType  string          `json:"datacontenttype"`
	Data             json.RawMessage `json:"data"`
	Seq              uint64          `json:"seq"`
	RecordedAt       time.Time       `json:"recordedat"`
	RecordedLate     bool            `json:"recordedlate,omitempty"`
	SchemaVersion    int             `json:"schemaversion"`
	AggregateVersion uint64          `json:"aggregateversion"`
	Actor            string          `json:"actor,omitempty"`
	ActorToken       string          `json:"actortoken,omitempty"`
	CorrelationID    string          `json:"correlationid,omitempty"`
	CausationID      string          `json:"causationid,omitempty"`
}

// WebhookBody is the JSON of rec's delivery (webhooks.Encoder).
func (s *Server) WebhookBody(ctx context.Context, rec events.Record) ([]byte, error) {
	v := []EventView{showEvent(Caller{}, rec)}
	if err := s.markLate(ctx, v); err != nil {
		return nil, err
	}
	return json.Marshal(WebhookEvent{
		SpecVersion: events.SpecVersion, ID: v[0].ID, Type: v[0].Type, Source: rec.Event.Source, Subject: rec.Subject,
		Time: v[0].OccurredAt, DataContentType: events.DataContentType, Data: v[0].Data,
		Seq: rec.Seq, RecordedAt: v[0].RecordedAt, RecordedLate: v[0].RecordedLate, SchemaVersion: v[0].SchemaVersion,
		AggregateVersion: v[0].Version, Actor: v[0].Actor, ActorToken: v[0].ActorToken,
		CorrelationID: v[0].CorrelationID, CausationID: v[0].CausationID,
	})
}
