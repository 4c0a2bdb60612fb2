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

// A change set's body is read against the request's deadline, and only the body: net/http's
// own read of the connection (waiting from the start when there is no body, as for a
// publish) must not end at that deadline too, which would cancel the request (a 500
// 'context canceled') instead of letting it time out (503).
func TestBodyDeadlineLeavesTheConnectionAfterTheBody(t *testing.T) {
	var s Server
	h := s.withTimeout(200 * time.Millisecond)(bodyDeadline(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		<-r.Context().Done() // the request's own deadline
	})))
	canceled := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		// A failure guard, not a measurement: a read that ends at a past deadline ends at once.
		select {
		case <-r.Context().Done():
			canceled <- true
		case <-time.After(time.Second):
			canceled <- false
		}
	}))
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
	if <-canceled {
		t.Fatal("a read of the connection after the body ended at the body's deadline and canceled the request")
	}
}
