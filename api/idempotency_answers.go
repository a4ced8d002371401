package api

import (
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
)

// Bounds of the answers a replica keeps for replay: the oldest go first.
const (
	maxKeptAnswers     = 10000
	maxKeptAnswerBytes = 64 << 20
)

// answer is the first answer of a keyed request, exactly as it was sent.
type answer struct {
	hash   string
	status int
	header http.Header
	body   []byte
}

// replayed are the headers of the first answer sent again with it; the
// others (request id, rate limit) belong to each exchange.
var replayed = []string{echo.HeaderContentType, "ETag", HeaderEventSeq, echo.HeaderLocation}

// replay sends the answer again, marked as a replay.
func (a answer) replay(c echo.Context) error {
	h := c.Response().Header()
	for _, name := range replayed {
		if v := a.header.Values(name); len(v) > 0 {
			h[name] = v
		}
	}
	h.Set("Idempotent-Replayed", "true")
	c.Response().WriteHeader(a.status)
	_, err := c.Response().Write(a.body)
	return err
}

// answers are the first answers of keyed requests this replica sent, so
// that a retry gets them byte for byte even after the entity has changed.
// They live in memory, bounded; past them (a restart, another replica, an
// answer evicted) the idempotency index still keeps the request from being
// written twice.
type answers struct {
	mu    sync.Mutex
	byID  map[string]answer
	order []string
	bytes int
}

func (s *answers) get(id string) (answer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.byID[id]
	return a, ok
}

func (s *answers) put(id string, a answer) {
	if len(a.body) > maxKeptAnswerBytes/16 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = map[string]answer{}
	}
	if _, ok := s.byID[id]; ok {
		return
	}
	s.byID[id] = a
	s.order = append(s.order, id)
	s.bytes += len(a.body)
	for len(s.order) > maxKeptAnswers || s.bytes > maxKeptAnswerBytes {
		old := s.order[0]
		s.order = s.order[1:]
		s.bytes -= len(s.byID[old].body)
		delete(s.byID, old)
	}
}
