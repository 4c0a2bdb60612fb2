package wire

// ErrorBody is the one shape of every error the API returns:
//
//	{"error": {"status": 400, "code": "invalid", "field": "lon", "message": "..."}}
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is an error as the client reads it, in an ErrorBody or inline in a line of
// a streamed answer.
type ErrorDetail struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// AppendErrorDetail appends the JSON of d as encoding/json writes it.
func AppendErrorDetail(b []byte, d ErrorDetail) []byte {
	b = append(b, `{"status":`...)
	b = appendInt(b, d.Status)
	b = appendMember(b, `,"code":`, d.Code)
	if d.Field != "" {
		b = appendMember(b, `,"field":`, d.Field)
	}
	b = appendMember(b, `,"message":`, d.Message)
	return append(b, '}')
}

// AppendErrorBody appends what a json.Encoder writes for ErrorBody{d}, newline included.
func AppendErrorBody(b []byte, d ErrorDetail) []byte {
	b = append(b, `{"error":`...)
	b = AppendErrorDetail(b, d)
	return append(b, "}\n"...)
}
