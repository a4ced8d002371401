package main

import (
	"context"
	"maps"
	"net/url"
	"strings"
	"time"
)

// doAt is do for a write that happened at at (zero: now): the API takes a
// write's business time as the top-level occurred_at of its JSON body, or,
// for a write that takes no body (body nil), as the query parameter
// occurred_at; each refuses the other (400). A write whose body is
// optional takes obj{}. A body is copied, not changed. The tracker refuses a time in
// the future or before the entity's latest event, and one more than a day
// back unless the token is the admin's or granted action:backdate.
func (c *client) doAt(ctx context.Context, at time.Time, method, path string, body obj, out any) error {
	if at.IsZero() {
		if body == nil {
			return c.do(ctx, method, path, nil, out)
		}
		return c.do(ctx, method, path, body, out)
	}
	stamp := at.UTC().Format(time.RFC3339Nano)
	if body == nil {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return c.do(ctx, method, path+sep+"occurred_at="+url.QueryEscape(stamp), nil, out)
	}
	dated := maps.Clone(body)
	dated["occurred_at"] = stamp
	return c.do(ctx, method, path, dated, out)
}
