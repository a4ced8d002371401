package api

import (
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// queryTime reads an optional RFC 3339 time from the query, adding to errs
// when it is not one, so that a list names every bad filter at once.
func queryTime(c echo.Context, name string, errs []FieldError) (time.Time, []FieldError) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, errs
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, append(errs, FieldError{Field: name, Message: "must be a time in RFC 3339, such as 2025-01-31T00:00:00Z"})
	}
	return t, errs
}

// queryEnum reads an optional word from the query that must be one of
// allowed, adding to errs when it is not.
func queryEnum(c echo.Context, name string, allowed []string, errs []FieldError) (string, []FieldError) {
	v := c.QueryParam(name)
	if v != "" && !slices.Contains(allowed, v) {
		return "", append(errs, FieldError{Field: name, Message: "must be one of " + strings.Join(allowed, ", ")})
	}
	return v, errs
}
