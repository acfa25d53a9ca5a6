package web

// Problem is an RFC 9457 problem details body, the shape of every error.
type Problem struct {
	Type      string       `json:"type" example:"/problems/validation-failed"`
	Title     string       `json:"title" example:"Your request has invalid fields"`
	Status    int          `json:"status" example:"422"`
	Detail    string       `json:"detail" example:"the request has invalid fields"`
	RequestID string       `json:"request_id" example:"5f0c5c3e-2d0b-4d8e-9a51-1d2f3c4b5a69"`
	Errors    []FieldError `json:"errors,omitempty"`
} // @name Problem

// FieldError is one field of a problem and what is wrong with it, in the
// caller's language.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
} // @name FieldError
