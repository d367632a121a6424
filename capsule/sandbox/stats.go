package sandbox

// Stats is the JSON of GET /_sandbox/stats.
type Stats struct {
	Requests       map[string]int `json:"requests"`
	Routes         map[string]int `json:"routes"`
	RateLimited    int            `json:"rate_limited"`
	FaultsInjected int            `json:"faults_injected"`
	Records        map[string]int `json:"records"`
}

type statsCounters Stats

func (c *statsCounters) reset() {
	*c = statsCounters{
		Requests: map[string]int{"GET": 0, "POST": 0, "PUT": 0, "DELETE": 0},
		Routes:   map[string]int{},
	}
}

func (c *statsCounters) countMethod(m string) {
	if _, ok := c.Requests[m]; ok {
		c.Requests[m]++
	}
}

// Stats returns a snapshot of the request counters and record counts.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{
		Requests:       map[string]int{},
		Routes:         map[string]int{},
		RateLimited:    s.stats.RateLimited,
		FaultsInjected: s.stats.FaultsInjected,
		Records: map[string]int{
			"parties":       len(s.st.Parties),
			"opportunities": len(s.st.Opportunities),
			"kases":         len(s.st.Kases),
			"entries":       len(s.st.Entries),
			"tasks":         len(s.st.Tasks),
		},
	}
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	for k, v := range s.stats.Routes {
		out.Routes[k] = v
	}
	return out
}
