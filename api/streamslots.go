package api

import (
	"net/http"
	"sync"
)

// Each open event stream holds one consumer on the CX stream, and the
// server allows a stream at most 1,000 (nats-server's default per-stream
// consumer limit). The caps keep the streams well below that, so the
// projector and every audit read, which each take a consumer for as long
// as they read, always find a free one however many clients stream.
const (
	// DefaultStreamsPerToken is enough for a dashboard open in a few tabs.
	DefaultStreamsPerToken = 8
	// DefaultStreams leaves about three quarters of the consumer limit to
	// reads.
	DefaultStreams = 256
)

// streamSlots counts the event streams open, per token and in all.
type streamSlots struct {
	perToken, total int
	mu              sync.Mutex
	open            int
	byToken         map[string]int
}

func newStreamSlots(l Limits) *streamSlots {
	perToken, total := l.StreamsPerToken, l.Streams
	if perToken <= 0 {
		perToken = DefaultStreamsPerToken
	}
	if total <= 0 {
		total = DefaultStreams
	}
	return &streamSlots{perToken: perToken, total: total, byToken: map[string]int{}}
}

// take claims a slot for token, or answers the 429 that says which cap is
// reached. The release it returns gives the slot back; call it once.
func (s *streamSlots) take(token string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.byToken[token] >= s.perToken:
		return nil, tooManyStreams("this token has as many event streams open as it may; close one first")
	case s.open >= s.total:
		return nil, tooManyStreams("the server has as many event streams open as it serves; retry later")
	}
	s.open++
	s.byToken[token]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.open--
			if s.byToken[token]--; s.byToken[token] == 0 {
				delete(s.byToken, token)
			}
		})
	}, nil
}

// Open is how many event streams are open now.
func (s *streamSlots) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// tooManyStreams is the 429 of a stream over a cap. An open stream ends
// only when its client leaves, so the wait is a guess: a few seconds.
func tooManyStreams(detail string) *Problem {
	return &Problem{Status: http.StatusTooManyRequests, Title: "Too many event streams", Detail: detail, retryAfter: "5"}
}
