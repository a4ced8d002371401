package api

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// lateLookups caps the tokens a late sign-in looks up in the credential
// store: normally none lacks its hash, and a handful only for a moment.
const lateLookups = 8

// lateToken signs in a token this replica does not know yet, when the
// request says it should: a token issued through another replica is in the
// log at the sequence that replica answered (X-Event-Seq), and a client
// that sends it as X-Min-Seq waits here, bounded, for this replica to apply
// it (503 with Retry-After when it has not in time), rather than getting a
// 401 a moment too early. A token whose event is applied but whose hash the
// credential watch has not delivered yet is looked up in the credential
// store. Without X-Min-Seq, or with one that is not a sequence in the log
// (minSeq answers those once a caller is signed in), the token is unknown.
func (s *Server) lateToken(c echo.Context, hash string) (projections.TokenView, bool, error) {
	seq, err := strconv.ParseUint(c.Request().Header.Get(HeaderMinSeq), 10, 64)
	if err != nil {
		return projections.TokenView{}, false, nil
	}
	ctx := c.Request().Context()
	if seq > s.Projector.LastSeq() {
		if s.pastTheLog(ctx, seq) != nil {
			return projections.TokenView{}, false, nil
		}
		if err := s.waitFor(ctx, seq); err != nil {
			return projections.TokenView{}, false, err
		}
		if t, ok := s.Views.Tokens.ByHash(hash); ok {
			return t, true, nil
		}
	}
	if s.Credentials == nil {
		return projections.TokenView{}, false, nil
	}
	for _, id := range s.Views.Tokens.Unhashed(lateLookups) {
		if h, err := s.Credentials.Hash(ctx, id); err == nil && h != "" {
			s.Views.Tokens.Credential(id, h)
		}
	}
	t, ok := s.Views.Tokens.ByHash(hash)
	return t, ok, nil
}
