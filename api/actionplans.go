package api

// actionPlanRoutes are the routes of actionplans (to be built).
func (s *Server) actionPlanRoutes() []Route { return nil }
