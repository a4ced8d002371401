package api

// initiativeRoutes are the routes of initiatives (to be built).
func (s *Server) initiativeRoutes() []Route { return nil }
