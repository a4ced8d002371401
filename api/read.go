package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"
)

// minSeq makes a read wait, bounded, until the read models have applied the
// sequence in X-Min-Seq: a client that wrote through one replica reads its
// write on another.
func (s *Server) minSeq(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if v := c.Request().Header.Get(HeaderMinSeq); v != "" {
			seq, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return badRequest("%s must be a stream sequence, a whole number", HeaderMinSeq)
			}
			if err := s.pastTheLog(c.Request().Context(), seq); err != nil {
				return err
			}
			if err := s.waitFor(c.Request().Context(), seq); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// pastTheLog answers 400 at once for a sequence the log has not reached,
// since waiting could only end in a 503 that a retry would repeat. It
// compares with the log's last sequence, not with what this replica has
// applied: a write made through another replica is in the log before it is
// applied here, and is worth the wait. The log is asked only when the
// replica has not applied seq yet, so an ordinary read costs nothing more.
// The log is given as long as the wait would be: when it cannot say in time
// (its leader is being replaced, say), the bounded wait decides.
func (s *Server) pastTheLog(ctx context.Context, seq uint64) error {
	if seq <= s.Projector.LastSeq() || s.Store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.WaitTimeout)
	defer cancel()
	last, err := s.Store.LastSeq(ctx)
	if err != nil {
		return nil
	}
	if seq > last {
		return badRequest("%s %d is past the end of the log, whose last sequence is %d", HeaderMinSeq, seq, last)
	}
	return nil
}

// Paging limits.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// Page is the paging part of a list answer.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// PageQuery documents the paging query parameters.
type PageQuery struct {
	Limit  int    `query:"limit" doc:"items per page, at most 500 (50 when absent)"`
	Cursor string `query:"cursor" doc:"the next_cursor of the page before"`
}

// paginate answers one page of items ordered by key (which must be unique,
// such as a ULID id), after the opaque cursor. A limit over the cap is
// capped rather than refused.
func paginate[T any](c echo.Context, items []T, key func(T) string) (Page[T], error) {
	limit, after, err := pageParams(c)
	if err != nil {
		return Page[T]{}, err
	}
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	end := min(start+limit, len(items))
	p := Page[T]{Items: items[start:end]}
	if p.Items == nil {
		p.Items = []T{}
	}
	if end < len(items) {
		p.NextCursor = cursorAfter(key(items[end-1]))
	}
	return p, nil
}

// pageParams reads a page's limit and the key its cursor says it starts
// after, for lists that page through a read model themselves.
func pageParams(c echo.Context) (limit int, after string, err error) {
	limit = defaultLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, "", invalid(FieldError{Field: "limit", Message: "must be a whole number from 1"})
		}
		limit = min(n, maxLimit)
	}
	if v := c.QueryParam("cursor"); v != "" {
		raw, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(raw) == 0 {
			return 0, "", invalid(FieldError{Field: "cursor", Message: "is not a cursor this API gave"})
		}
		after = string(raw)
	}
	return limit, after, nil
}

// cursorAfter is the opaque cursor of the page after the item with key.
func cursorAfter(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// ok answers a read.
func ok(c echo.Context, v any) error { return c.JSON(http.StatusOK, v) }
