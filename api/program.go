package api

// programRoutes are the routes of program (to be built).
func (s *Server) programRoutes() []Route { return nil }
