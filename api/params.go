package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/gridmap/gridmap/geo"
)

// unitCodeParam reads the path's {code}: a unit's code (6 to 18 digits) or a ten-household
// unit's (up to 21). Anything else is a 400 naming the field, before any lookup.
func unitCodeParam(r *http.Request) (string, error) {
	code := chi.URLParam(r, "code")
	if len(code) < 6 || len(code) > 21 || !digitsOnly(code) {
		return "", geo.FieldError("code", "%q is not a unit code: codes are 6 to 18 digits (21 for a ten-household unit)", truncate(code, 40))
	}
	return code, nil
}

// digitsOnly reports whether s is made of ASCII digits only ("" is).
func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
