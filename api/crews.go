package api

// crewRoutes are the routes of crews (to be built).
func (s *Server) crewRoutes() []Route { return nil }
