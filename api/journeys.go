package api

// journeyRoutes are the routes of journeys (to be built).
func (s *Server) journeyRoutes() []Route { return nil }
