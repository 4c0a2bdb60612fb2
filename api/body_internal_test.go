package api

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A client that stops sending its body is cut off after the idle time, instead of holding
// the connection for as long as the request's own limit (an hour for batches).
func TestStalledBodyIsCutOff(t *testing.T) {
	got := make(chan error, 1)
	srv := httptest.NewServer(bodyIdleTimeout(300 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	})))
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Half a body, then nothing.
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nlon,lat\n")
	select {
	case err := <-got:
		if err == nil {
			t.Fatal("the handler read a whole body that was never sent")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled body held the request for 10 s")
	}
}
