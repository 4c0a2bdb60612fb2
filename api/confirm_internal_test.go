package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A refused confirmation sends the refusal with the headers the middleware set before the
// handler ran, as they were, and none the handler set or changed; a confirmed one sends
// the handler's.
func TestConfirmWriterRefusalCarriesNoHandlerHeader(t *testing.T) {
	handler := func(w http.ResponseWriter) {
		h := w.Header()
		h.Set("ETag", `"secret-version"`)
		h.Add("Vary", "Accept")
		h.Set("Referrer-Policy", "unsafe-url")
		h.Del("X-Content-Type-Options")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("personal data"))
	}
	for _, refused := range []bool{true, false} {
		rec := httptest.NewRecorder()
		h := rec.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		h.Add("Vary", "Origin")
		for i := 0; i < 10; i++ { // more than the snapshot's array holds
			h.Set("X-Middleware-"+string(rune('a'+i)), "m")
		}
		confirm := func() error { return nil }
		if refused {
			confirm = func() error { return errors.New("revoked") }
		}
		cw := newConfirmWriter(rec, confirm, func(error) {
			rec.Header().Set("Content-Type", "application/json")
			rec.WriteHeader(http.StatusUnauthorized)
			rec.Write([]byte(`{"error":"refused"}`))
		})
		handler(cw)
		got := rec.Result().Header
		if !refused {
			if rec.Code != http.StatusOK || got.Get("ETag") == "" || rec.Body.String() != "personal data" {
				t.Errorf("confirmed: %d %v %q, want the handler's answer", rec.Code, got, rec.Body)
			}
			continue
		}
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != `{"error":"refused"}` {
			t.Errorf("refused: %d %q, want the refusal alone", rec.Code, rec.Body)
		}
		if got.Get("ETag") != "" || got.Get("Referrer-Policy") != "no-referrer" || got.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("refused: headers %v, want the middleware's as they were and no ETag", got)
		}
		if v := got.Values("Vary"); len(v) != 1 || v[0] != "Origin" {
			t.Errorf("refused: Vary %q, want [Origin]", v)
		}
		if got.Get("X-Middleware-j") != "m" {
			t.Errorf("refused: a middleware header beyond the snapshot's array was lost: %v", got)
		}
	}
}
