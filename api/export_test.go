package api

import "github.com/labstack/echo/v4"

// HoldKeyedRequests makes every keyed write run hook while it holds its
// key, so that a test can keep the first request in flight.
func HoldKeyedRequests(s *Server, hook func(echo.Context)) { s.keyedHook.Store(&hook) }
