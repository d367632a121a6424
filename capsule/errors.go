package capsule

// errorBody is Capsule's error body: {"message", "errors": [...]} or, on
// 429, {"error": "rate limit reached"}.
type errorBody struct {
	Message string       `json:"message,omitempty"`
	Errors  []FieldError `json:"errors,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// FieldError is one validation problem of a 422 answer.
type FieldError struct {
	Message  string `json:"message"`
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
}
