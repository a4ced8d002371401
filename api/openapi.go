package api

// docRoutes serve the OpenAPI document (to be built).
func (s *Server) docRoutes() []Route { return nil }
