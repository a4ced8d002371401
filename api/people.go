package api

// peopleRoutes are the routes of people (to be built).
func (s *Server) peopleRoutes() []Route { return nil }
