package api

import (
	"maps"
	"net/http"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"
)

// errorStatuses are the problems a route can answer, from what the shared
// middleware and helpers do: every GET reads X-Min-Seq (400, or 503 when
// the projections lag), a token can be missing or lack a grant, a body can
// be malformed, too large, of the wrong media type or invalid, a write's
// command can be refused by the rules (404, 409, 422) or an If-Match be
// stale, a query can hold invalid values, and any caller can be rate
// limited (429).
func errorStatuses(r Route, hasBody, hasPathParams, write bool) []int {
	// Every route is rate limited (limits.go): per token, or per address.
	// A 500 is a fault of the server that no input should cause; it is
	// documented so that a client knows its shape.
	set := map[int]bool{http.StatusBadRequest: true, http.StatusTooManyRequests: true, http.StatusInternalServerError: true, http.StatusServiceUnavailable: true}
	if !r.Public {
		set[http.StatusUnauthorized], set[http.StatusForbidden] = true, true
	}
	if hasPathParams {
		set[http.StatusNotFound] = true
	}
	if write {
		// A full disk refuses every write (errors.go).
		set[http.StatusRequestEntityTooLarge], set[http.StatusInsufficientStorage] = true, true
		if !r.Public {
			for _, s := range []int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity} {
				set[s] = true
			}
		}
	}
	if hasBody {
		set[http.StatusUnsupportedMediaType], set[http.StatusUnprocessableEntity] = true, true
		// A body that does not arrive within the request timeout is cut (limits.go).
		set[http.StatusRequestTimeout] = true
	}
	if r.Query != nil {
		set[http.StatusUnprocessableEntity] = true
	}
	if r.Method == http.MethodGet && !r.Public && hasPathParams {
		// An entity whose history holds a quarantined record cannot be
		// rebuilt as of a past point (asof.go, events.CodeQuarantined).
		set[http.StatusConflict] = true
	}
	var out []int
	for _, s := range allProblemStatuses {
		if set[s] {
			out = append(out, s)
		}
	}
	return out
}

// allProblemStatuses are every status a problem answer may carry: the
// ones errors.go maps failures to and the handlers' own refusals, among
// them 415 for a body of the wrong media type, 408 for a body too slow to
// arrive and 507 for a write refused by a full disk.
var allProblemStatuses = []int{400, 401, 403, 404, 408, 409, 412, 413, 415, 422, 429, 500, 503, 507}

// rateLimitHeaders document the headers limits.go sends on every answer
// the rate limiter sees (not on one refused before it, such as a 401).
func rateLimitHeaders() map[string]*header {
	return map[string]*header{
		HeaderRateLimitLimit:     {Description: "the requests the caller may send at once (its bucket's size)", Schema: boundedInteger(0, maxSafeInteger)},
		HeaderRateLimitRemaining: {Description: "the requests left in the caller's bucket", Schema: boundedInteger(0, maxSafeInteger)},
		HeaderRateLimitReset:     {Description: "seconds until the caller's bucket is full again", Schema: boundedInteger(0, maxSafeInteger)},
	}
}

// problemName names the shared response of a problem status, such as
// UnprocessableEntity.
func problemName(status int) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(http.StatusText(status))
}

// problemResponses are the shared problem answers, one per status.
func problemResponses(problem *jsonSchema) map[string]*response {
	out := map[string]*response{}
	for _, status := range allProblemStatuses {
		r := &response{Description: http.StatusText(status) + " (RFC 9457 problem)",
			Content: map[string]*mediaType{ProblemType: {Schema: problem}}}
		if status < 500 {
			r.Headers = rateLimitHeaders()
		}
		switch status {
		case http.StatusUnauthorized:
			word := maxWord
			r.Headers[echo.HeaderWWWAuthenticate] = &header{Description: "the scheme to sign in with", Schema: &jsonSchema{Type: "string", MaxLength: &word}}
		case http.StatusServiceUnavailable, http.StatusTooManyRequests:
			if r.Headers == nil {
				r.Headers = map[string]*header{}
			}
			r.Headers["Retry-After"] = &header{Description: "seconds to wait before retrying", Schema: boundedInteger(1, maxSafeInteger)}
		}
		out[problemName(status)] = r
	}
	return out
}

// successOf documents the success answer: JSON of the Response type, the
// bodies of a Media, or text of the Produces media type; with the write
// protocol's headers on a write.
func successOf(g *schemaGen, r Route, write bool) (*response, error) {
	status := r.SuccessStatus()
	resp := &response{Description: http.StatusText(status)}
	media := Media{}
	switch v := r.Response.(type) {
	case nil:
	case Media:
		maps.Copy(media, v)
	default:
		media[echo.MIMEApplicationJSON] = v
	}
	if r.Produces != "" {
		// A body of another media type, such as an event stream, is text.
		media[r.Produces] = ""
	}
	for mt, v := range media {
		if resp.Content == nil {
			resp.Content = map[string]*mediaType{}
		}
		s, err := g.of(indirect(reflect.TypeOf(v)))
		if err != nil {
			return nil, err
		}
		resp.Content[mt] = &mediaType{Schema: s}
	}
	resp.Headers = rateLimitHeaders()
	if write {
		etag := maxETag
		resp.Headers[HeaderEventSeq] = &header{Description: "the stream sequence of the last event written; send it as X-Min-Seq to read this write elsewhere", Schema: boundedInteger(0, maxSafeInteger)}
		resp.Headers["ETag"] = &header{Description: "the entity's version, for If-Match", Schema: &jsonSchema{Type: "string", MaxLength: &etag}}
		resp.Headers["Idempotent-Replayed"] = &header{Description: "true when this answers a retry: the first answer to the same Idempotency-Key, given again", Schema: &jsonSchema{Type: "string", Enum: []string{"true"}}}
	}
	if r.readsEntity() {
		maps.Copy(resp.Headers, entityHeaders())
	}
	if r.readsViews() {
		resp.Headers[HeaderEventSeq] = &header{Description: "the stream sequence the read models had applied when this was read; send it as X-Min-Seq to read at least as much elsewhere", Schema: boundedInteger(0, maxSafeInteger)}
	}
	return resp, nil
}

// entityHeaders are the headers of a read of one entity, on its 200 and
// its 304 (versions.go).
func entityHeaders() map[string]*header {
	etag := maxETag
	return map[string]*header{
		"ETag": {Description: "the entity's version, the value a write answers: send it as If-Match to write only if it has not changed, or as If-None-Match to be answered 304 while it has not. " +
			"It versions the entity's own events: names of other entities and figures shown in it may change without it", Schema: &jsonSchema{Type: "string", MaxLength: &etag}},
		HeaderEventSeq: {Description: "the stream sequence of the entity's last event (as of as_of, with as_of); send it as X-Min-Seq to read at least this elsewhere", Schema: boundedInteger(0, maxSafeInteger)},
	}
}

// notModifiedHeaders are the headers of an entity read's 304.
func notModifiedHeaders() map[string]*header {
	h := rateLimitHeaders()
	maps.Copy(h, entityHeaders())
	return h
}
