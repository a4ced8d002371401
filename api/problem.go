package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// ProblemType is the media type of every error answer (RFC 9457).
const ProblemType = "application/problem+json"

// Problem is an error answer as RFC 9457 describes it. Every text in it is
// safe to show to the caller.
type Problem struct {
	Type   string       `json:"type,omitempty"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
	// retryAfter, when set, is sent as the Retry-After header.
	retryAfter string
}

// FieldError says what is wrong with one field of a request.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// problemHandler answers every error as a problem document. It looks into
// wrapped errors with errors.As, which Echo's default handler does not, and
// never shows an internal error's text: that is logged instead.
func problemHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p, internal := problemOf(err)
		var he *echo.HTTPError
		switch {
		case !internal:
		case errors.As(err, &he):
			p = &Problem{Status: he.Code, Title: http.StatusText(he.Code)}
			if msg, ok := he.Message.(string); ok && he.Code < 500 {
				p.Detail = msg
			}
		default:
			if log != nil {
				log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
			}
			p = &Problem{Status: http.StatusInternalServerError, Title: http.StatusText(http.StatusInternalServerError)}
		}
		if p.Type == "" {
			p.Type = "about:blank"
		}
		if p.retryAfter != "" {
			c.Response().Header().Set("Retry-After", p.retryAfter)
		}
		c.Response().Header().Set(echo.HeaderContentType, ProblemType)
		c.Response().WriteHeader(p.Status)
		if c.Request().Method != http.MethodHead {
			_ = json.NewEncoder(c.Response()).Encode(p)
		}
	}
}
