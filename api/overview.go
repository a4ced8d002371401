package api

// overviewRoutes serve the program overview, GET /v1/program (to be built
// from the other views).
func (s *Server) overviewRoutes() []Route { return nil }
