package api

import (
	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// namedJSON is the API's JSON serializer. A view that references people or
// crews by id only (projections.Named) is named as it is written: every
// answer, a read's, a write's and one as of a past point, passes here, so
// the names beside ids are filled in one place and are the current ones.
type namedJSON struct {
	echo.DefaultJSONSerializer
	names projections.Names
}

// Serialize implements echo.JSONSerializer.
func (j namedJSON) Serialize(c echo.Context, v any, indent string) error {
	if n, ok := v.(projections.Named); ok {
		v = n.Named(j.names)
	}
	return j.DefaultJSONSerializer.Serialize(c, v, indent)
}

// Named implements projections.Named for a page of views that name what
// they reference; a page of other views is answered as it is.
func (p Page[T]) Named(n projections.Names) any {
	for i, item := range p.Items {
		v, ok := any(item).(projections.Named)
		if !ok {
			return p
		}
		p.Items[i] = v.Named(n).(T)
	}
	return p
}
