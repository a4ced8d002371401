package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// DigestView is the running digest of the log: whoever keeps it can later
// prove, with `cxtracker verify --digest SEQ:HEX`, that nothing up to Seq
// changed.
type DigestView struct {
	Seq    uint64 `json:"seq"`
	Digest string `json:"digest"`
}

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/audit/digest", Summary: "running digest of the log: {seq, digest}; keep it to verify the log later",
			Response: DigestView{}, Handler: func(c echo.Context) error {
				d := s.Projector.Digest()
				return ok(c, DigestView{Seq: d.Seq, Digest: d.Hex()})
			}},
	}
}
