package api

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Config wires the API to the rest of the tracker.
type Config struct {
	// Ready reports nil once the tracker is connected to JetStream and has
	// caught up with the log, or why not.
	Ready  func() error
	Logger *slog.Logger
}

// New builds the Echo server with every route.
func New(cfg Config) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = problemHandler(cfg.Logger)
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		if err := cfg.Ready(); err != nil {
			c.Response().Header().Set("Retry-After", "1")
			return &Problem{Status: http.StatusServiceUnavailable, Title: "Not ready", Detail: err.Error()}
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	})
	return e
}
