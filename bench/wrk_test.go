package bench

import (
	"strings"
	"testing"
	"time"
)

// A wrk report as wrk 4 prints it with --latency.
const wrkReport = `Running 10s test @ http://127.0.0.1:18080
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.33us    1.02ms  21.22ms   95.17%
    Req/Sec    38.12k     2.01k   41.57k    72.00%
  Latency Distribution
     50%  163.00us
     75%  262.00us
     90%    1.55ms
     99%    4.18ms
  379412 requests in 10.10s, 121.38MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 174532
Requests/sec:  37609.17
Transfer/sec:     12.02MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	if err != nil {
		t.Fatal(err)
	}
	if r.requests != 379412 || r.perSecond != 37609.17 || r.p50 != 163*time.Microsecond || r.p99 != 4180*time.Microsecond ||
		r.non2xx != 174532 || r.socketErrors != "connect 0, read 0, write 0, timeout 2" {
		t.Fatalf("%+v", r)
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Fatal("a report without figures was read")
	}
	slow := strings.ReplaceAll(wrkReport, "     99%    4.18ms", "     99%    1.20s")
	if r, _ := parseWrk(slow); r.p99 != 1200*time.Millisecond {
		t.Fatalf("p99 in seconds: %v", r.p99)
	}
}
