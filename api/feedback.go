package api

// feedbackRoutes are the routes of feedback (to be built).
func (s *Server) feedbackRoutes() []Route { return nil }
