package web

import "github.com/labstack/echo/v4"

func (w *Web) journeyRoutes(g *echo.Group) {}
