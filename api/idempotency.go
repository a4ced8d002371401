package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"cxtracker/events"
	"cxtracker/projections"
)

// maxIdempotencyKey bounds the key a client may send.
const maxIdempotencyKey = 200

// keyed is a write sent with an Idempotency-Key, as the handler sees it.
type keyed struct {
	token, key string
	// hash is the request's fingerprint, recorded on its events.
	hash string
	// done is where the log says the same request was written already
	// (found by the idempotency index), nil for a request not yet written.
	done *projections.Written
	// ids counts the entity ids derived so far.
	ids int
	// fromLog is set when another copy of the request (another
	// replica's) wrote the key first: this one was answered from the log,
	// or refused, and that copy's answer is the one kept.
	fromLog bool
	// instead, when set, is the body kept for retries in place of the one
	// sent: the first answer without a secret it shows only once.
	instead []byte
}

// keepInstead makes the answer kept for retries v, in JSON as c.JSON
// writes it, in place of the body sent.
func (k *keyed) keepInstead(v any) {
	if k == nil {
		return
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err == nil {
		k.instead = b.Bytes()
	}
}

// keyedOf is the request's key, nil when it has none.
func keyedOf(c echo.Context) *keyed {
	k, _ := c.Get(ctxKeyed).(*keyed)
	return k
}

const ctxKeyed = "cxtracker.keyed"

// fingerprint binds a key to one request: the token, the method, the route
// (its pattern, with the values of its path parameters, since a vote on
// one initiative is not a vote on another) and the body's bytes.
func fingerprint(token, method, route string, names, values []string, body []byte) string {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(token)
	field(method)
	field(route)
	for i, name := range names {
		field(name)
		if i < len(values) {
			field(values[i])
		}
	}
	field(string(body))
	return hex.EncodeToString(h.Sum(nil))
}

// derivedID is the ULID a keyed request gives to its n-th thing of one
// purpose ("event" for its events, "entity" for the entities it creates):
// all 128 bits come from SHA-256 of the token, the key, the purpose and n.
// Two copies of one request, a retry or the same request sent to another
// replica, thus give the same ids, and the log's duplicate window
// (Nats-Msg-Id is the event id) refuses the second copy. The id stays a
// valid ULID and, being a hash, as unique as a random one; only its time
// field no longer tells when it was made (the event's time and the log's
// stored time do).
func (k *keyed) derivedID(purpose string, n int) string {
	h := sha256.New()
	fmt.Fprintf(h, "cxtracker idempotency\x00%s\x00%s\x00%s\x00%d", k.token, k.key, purpose, n)
	var id ulid.ULID
	copy(id[:], h.Sum(nil))
	return id.String()
}

// eventID is the id of the request's i-th event.
func (k *keyed) eventID(i int) string { return k.derivedID("event", i) }

// meta puts the key, the fingerprint and the derived event ids on meta.
func (k *keyed) meta(m events.Meta) events.Meta {
	if k == nil {
		return m
	}
	m.IdempotencyKey, m.RequestHash, m.EventID = k.key, k.hash, k.eventID
	return m
}

// inflight are the keys whose first request is being processed, so that
// a second one answers 409 at once rather than writing beside it.
type inflight struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (f *inflight) start(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = map[string]bool{}
	}
	if f.keys[id] {
		return false
	}
	f.keys[id] = true
	return true
}

func (f *inflight) done(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, id)
}

// errKeyInFlight is the 409 of a key whose first request is not answered yet.
var errKeyInFlight = &Problem{Status: http.StatusConflict, Title: "Request in progress",
	Detail: "a request with this Idempotency-Key is still being processed; retry once it is answered"}

// errKeyReused is the 422 of a key sent again with another request.
func errKeyReused(what string) *Problem {
	return &Problem{Status: http.StatusUnprocessableEntity, Title: "Idempotency-Key reused",
		Detail: "this Idempotency-Key was used for another request (" + what + "); a key answers only the request it first came with"}
}

// mismatch names what differs between the request and the first one.
const mismatch = "another method, route, path or body"

// idempotent makes a keyed write answer once: the first request runs; a
// second with the same key and token answers 409 while the first is under
// way on this replica, 422 if it is not the same request, and the first
// answer otherwise: status, headers and body as first sent, kept in the
// answer store (AnswerKeeper) for every replica, also after a restart.
// Where no first answer is kept (it was never stored, or its lifetime
// passed), the idempotency index of the log still keeps the request from
// being written twice, and the retry is answered with the entity as it
// stands.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get(HeaderIdempotencyKey)
		if key == "" || req.Method == http.MethodGet || req.Method == http.MethodHead {
			return next(c)
		}
		if len(key) > maxIdempotencyKey {
			return badRequest("%s may be at most %d characters", HeaderIdempotencyKey, maxIdempotencyKey)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return decodeProblem(err) // 413 or 408, as bind says
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		token := callerOf(c).TokenID
		k := &keyed{token: token, key: key, hash: fingerprint(token, req.Method, c.Path(), c.ParamNames(), c.ParamValues(), body)}
		id := answerID(token, key)
		if !s.inflight.start(id) {
			return errKeyInFlight
		}
		defer s.inflight.done(id)
		if hook := s.keyedHook.Load(); hook != nil {
			(*hook)(c)
		}
		if a, found := s.keptAnswer(req.Context(), id); found {
			if a.Fingerprint != k.hash {
				return errKeyReused(mismatch)
			}
			return a.replay(c)
		}
		if w, found := s.Views.Idempotency.Lookup(token, key); found {
			if w.RequestHash != "" && w.RequestHash != k.hash {
				return errKeyReused(mismatch)
			}
			k.done = &w
		}
		c.Set(ctxKeyed, k)
		// The answer is held back until it is kept, so that no client has
		// an answer a retry would not get again.
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		// Restored on a panic too, so that Recover's 500 reaches the client.
		defer func() { c.Response().Writer = rec.ResponseWriter }()
		err = next(c)
		if err != nil {
			c.Error(err) // the problem, written into rec
		}
		a := answerOf(k.hash, rec.status, c.Response().Header(), rec.body.Bytes())
		if k.done == nil && !k.fromLog && settledAnswer(err, rec.status) {
			kept := a
			if k.instead != nil {
				kept.Body = string(k.instead)
			}
			// The request's own time may be spent: the write is made, and
			// its answer is worth keeping all the same.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), s.WaitTimeout)
			if first := s.keepAnswer(ctx, id, kept); first.Body != kept.Body || first.Status != kept.Status {
				// Another replica answered the same request first: its
				// answer is the one every retry gets, so this one too.
				a = first
				for name, v := range first.Header {
					c.Response().Header()[name] = v
				}
			}
			cancel()
		}
		return rec.send(a.Status, []byte(a.Body))
	}
}

// recorder holds an answer back: its status and body.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) { r.status = status }

// Flush does nothing: the answer is sent once it is kept.
func (r *recorder) Flush() {}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// send writes the answer held back, with the headers set meanwhile.
func (r *recorder) send(status int, body []byte) error {
	if status == 0 {
		status = http.StatusOK
	}
	r.ResponseWriter.WriteHeader(status)
	_, err := r.ResponseWriter.Write(body)
	return err
}

// settled looks, after a keyed write failed or was refused as a duplicate,
// whether the same key was written meanwhile by another copy of the request
// (a retry, or another replica): it answers where, with a 422 if that copy
// was another request; or found false, with an error if it could not look.
func (s *Server) settled(c echo.Context, k *keyed) (projections.Written, bool, error) {
	ctx := c.Request().Context()
	last, err := s.Store.LastSeq(ctx)
	if err != nil {
		return projections.Written{}, false, err
	}
	if err := s.waitFor(ctx, last); err != nil {
		return projections.Written{}, false, err
	}
	w, found := s.Views.Idempotency.Lookup(k.token, k.key)
	if found && w.RequestHash != "" && w.RequestHash != k.hash {
		return w, true, errKeyReused(mismatch)
	}
	return w, found, nil
}
