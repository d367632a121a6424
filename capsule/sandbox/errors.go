package sandbox

import "net/http"

// response is what a handler produces; the server writes it after deciding
// about injected faults, so a write can be applied and its answer dropped.
type response struct {
	status int
	body   any
	header http.Header
}

// fieldError is one entry of a 422 body.
type fieldError struct {
	Message  string `json:"message"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
}

type validation struct {
	resource string
	errs     []fieldError
}

func (v *validation) add(field, msg string) {
	v.errs = append(v.errs, fieldError{Message: msg, Resource: v.resource, Field: field})
}

func (v *validation) failed() bool { return len(v.errs) > 0 }

func (v *validation) response() response { return unprocessable(v.errs...) }

func unprocessable(errs ...fieldError) response {
	return response{status: http.StatusUnprocessableEntity, body: obj{}.add("message", "Validation Failed").add("errors", errs)}
}

func invalid(resource, field, msg string) response {
	return unprocessable(fieldError{Message: msg, Resource: resource, Field: field})
}

func message(status int, msg string) response {
	return response{status: status, body: obj{}.add("message", msg)}
}

func notFound() response { return message(http.StatusNotFound, "Could not find resource") }

func badRequest(msg string) response { return message(http.StatusBadRequest, msg) }

func ok(body any) response { return response{status: http.StatusOK, body: body} }

func noContent() response { return response{status: http.StatusNoContent} }

func created(location string, body any) response {
	h := http.Header{}
	h.Set("Location", location)
	return response{status: http.StatusCreated, body: body, header: h}
}
