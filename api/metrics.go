package api

// metricsRoutes serve Prometheus metrics (to be built).
func (s *Server) metricsRoutes() []Route { return nil }
