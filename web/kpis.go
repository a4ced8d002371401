package web

import "github.com/labstack/echo/v4"

func (w *Web) kpiRoutes(g *echo.Group) {}
