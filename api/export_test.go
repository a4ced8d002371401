package api

import (
	"context"

	"github.com/labstack/echo/v4"
)

// HoldKeyedRequests makes every keyed write run hook while it holds its
// key, so that a test can keep the first request in flight.
func HoldKeyedRequests(s *Server, hook func(echo.Context)) { s.keyedHook.Store(&hook) }

// KeptAnswer is the answer s's answer store holds, as stored, for key sent
// with the token whose id is tokenID.
func KeptAnswer(s *Server, tokenID, key string) ([]byte, bool, error) {
	return s.Answers.Answer(context.Background(), answerID(tokenID, key))
}
