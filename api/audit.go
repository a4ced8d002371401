package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// DigestView is the running digest of the log: whoever keeps it can later
// prove, with `cxtracker verify --digest SEQ:HEX`, that nothing up to Seq
// changed.
type DigestView struct {
	Seq    uint64 `json:"seq"`
	Digest string `json:"digest"`
}

// QuarantineView lists the quarantined records of the log.
type QuarantineView struct {
	Count int                       `json:"count"`
	Items []projections.Quarantined `json:"items"`
}

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/audit/digest", Summary: "running digest of the log: {seq, digest}; keep it to verify the log later",
			Response: DigestView{}, Handler: func(c echo.Context) error {
				d := s.Projector.Digest()
				return ok(c, DigestView{Seq: d.Seq, Digest: d.Hex()})
			}},
		{Method: http.MethodGet, Path: "/v1/audit/quarantine", Summary: "records of the log skipped rather than applied (undecodable, of an unknown type, missing, or refused by a read model), by sequence; commands on their aggregates answer 409",
			Response: QuarantineView{}, Handler: func(c echo.Context) error {
				q := s.Projector.Quarantine()
				if q == nil {
					q = []projections.Quarantined{}
				}
				return ok(c, QuarantineView{Count: len(q), Items: q})
			}},
	}
}
