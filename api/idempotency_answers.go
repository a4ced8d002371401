package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// AnswerKeeper keeps the first answers of keyed requests where every
// replica finds them, also after a restart (events/jetstream/answers.go),
// for as long as it documents (a day).
type AnswerKeeper interface {
	// Answer is the answer kept for id, found false when none is.
	Answer(ctx context.Context, id string) ([]byte, bool, error)
	// KeepAnswer stores the answer of id, and answers false, storing
	// nothing, when id holds one already.
	KeepAnswer(ctx context.Context, id string, answer []byte) (bool, error)
}

// answerID is where the answer of key, sent with token, is kept: a hash,
// so that the key a client chose is never a key of the store.
func answerID(token, key string) string {
	sum := sha256.Sum256([]byte("cxtracker answer\x00" + token + "\x00" + key))
	return hex.EncodeToString(sum[:])
}

// answer is the first answer of a keyed request, as it was sent, with the
// fingerprint of the request it answered. The body is kept as text (every
// answer of this API is JSON), so that what the bucket holds can be read,
// and checked for secrets, as it is.
type answer struct {
	Fingerprint string              `json:"fingerprint"`
	Status      int                 `json:"status"`
	Header      map[string][]string `json:"header,omitempty"`
	Body        string              `json:"body"`
}

// replayed are the headers of the first answer sent again with it; the
// others (request id, rate limit) belong to each exchange.
var replayed = []string{echo.HeaderContentType, "ETag", HeaderEventSeq, echo.HeaderLocation}

// answerOf is the answer kept of a request: its status, the headers
// replayed and body.
func answerOf(fingerprint string, status int, h http.Header, body []byte) answer {
	a := answer{Fingerprint: fingerprint, Status: status, Body: string(body), Header: map[string][]string{}}
	for _, name := range replayed {
		if v := h.Values(name); len(v) > 0 {
			a.Header[name] = v
		}
	}
	return a
}

// replay sends the answer again, marked as a replay.
func (a answer) replay(c echo.Context) error {
	h := c.Response().Header()
	for name, v := range a.Header {
		h[name] = v
	}
	h.Set("Idempotent-Replayed", "true")
	c.Response().WriteHeader(a.Status)
	_, err := c.Response().Write([]byte(a.Body))
	return err
}

// keptAnswer is the first answer of the request id, found false when none
// is kept (or no keeper is wired, or it cannot be read: then the log still
// keeps the write from being made twice).
func (s *Server) keptAnswer(ctx context.Context, id string) (answer, bool) {
	if s.Answers == nil {
		return answer{}, false
	}
	raw, found, err := s.Answers.Answer(ctx, id)
	if err != nil || !found {
		if err != nil {
			s.Logger.Warn("a kept answer could not be read; the log answers instead", "err", err)
		}
		return answer{}, false
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil || a.Status == 0 {
		s.Logger.Warn("a kept answer does not decode; the log answers instead", "err", err)
		return answer{}, false
	}
	return a, true
}

// keepAnswer stores a as the first answer of the request id, and answers
// the answer to send: a itself, or the one another replica kept first for
// the same request. A failure to store is logged, not answered: the write
// is made, and a retry is then answered from the log.
func (s *Server) keepAnswer(ctx context.Context, id string, a answer) answer {
	if s.Answers == nil || !utf8.ValidString(a.Body) {
		return a
	}
	raw, err := json.Marshal(a)
	if err == nil {
		var kept bool
		kept, err = s.Answers.KeepAnswer(ctx, id, raw)
		if err == nil && !kept {
			if first, found := s.keptAnswer(ctx, id); found && first.Fingerprint == a.Fingerprint {
				return first
			}
		}
	}
	if err != nil {
		s.Logger.Warn("a keyed request's answer was not kept; a retry will be answered from the log", "err", err)
	}
	return a
}

// settledAnswer tells whether an answer is the request's outcome, which a
// retry gets again: a success, or a refusal by the rules (400, 404, 409,
// 412, 422), as the Idempotency-Key draft has a retry answer "the result
// of the previously completed operation, success or an error". Answers
// that say to try again are not kept, so that the retry runs: a 5xx (the
// log did not answer, the disk is full), 408 (the body came too slowly),
// 429, and the 409 of a concurrent change.
func settledAnswer(err error, status int) bool {
	if err == nil {
		return status >= 200 && status < 300
	}
	var conflict *events.ConflictError
	if errors.As(err, &conflict) {
		return false
	}
	p, internal := problemOf(err)
	if internal || p == nil {
		return false
	}
	switch p.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity:
		return true
	}
	return false
}
