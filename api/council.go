package api

// councilRoutes are the routes of council (to be built).
func (s *Server) councilRoutes() []Route { return nil }
