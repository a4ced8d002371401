package api

import (
	"hash/fnv"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
)

// keyLocks make requests that carry the same Idempotency-Key from the same
// token run one after another: a retry sent while the first request is
// still being written waits for it, then finds it in the idempotency index
// and is answered from it instead of writing again. Striped, so that the
// locks are bounded whatever keys clients send.
type keyLocks [256]sync.Mutex

func (l *keyLocks) lock(token, key string) func() {
	h := fnv.New32a()
	h.Write([]byte(token))
	h.Write([]byte{0})
	h.Write([]byte(key))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// oneAtATime serializes a write's requests by their Idempotency-Key; the
// handler (the choice of a new entity's id included) runs under the lock.
func (s *Server) oneAtATime(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(HeaderIdempotencyKey)
		if key == "" || c.Request().Method == http.MethodGet {
			return next(c)
		}
		unlock := s.keys.lock(callerOf(c).TokenID, key)
		defer unlock()
		return next(c)
	}
}
