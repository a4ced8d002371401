package api

// kpiRoutes are the routes of kpis (to be built).
func (s *Server) kpiRoutes() []Route { return nil }
