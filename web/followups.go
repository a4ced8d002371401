package web

import "github.com/labstack/echo/v4"

func (w *Web) followUpRoutes(g *echo.Group) {}
