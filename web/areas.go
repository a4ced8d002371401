package web

import "github.com/labstack/echo/v4"

// The dashboard's other areas; each registers its pages in its own file.
func (w *Web) journeyRoutes(g *echo.Group)    {}
func (w *Web) decisionRoutes(g *echo.Group)   {}
func (w *Web) initiativeRoutes(g *echo.Group) {}
func (w *Web) followUpRoutes(g *echo.Group)   {}
func (w *Web) kpiRoutes(g *echo.Group)        {}
func (w *Web) auditRoutes(g *echo.Group)      {}
