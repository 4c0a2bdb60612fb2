// Package wire reads and writes the bodies of gridmap's HTTP API: the points of a batch as
// CSV, JSON, NDJSON or GeoJSON, household ids, the lines of a streamed NDJSON answer, and the
// encoded chains of a lookup. It does so by hand, byte for byte as encoding/json and
// encoding/csv would (the tests hold it to them), because a batch runs at millions of points
// a second and a single lookup allocates nothing; whatever the hand-written parsers do not
// recognise goes to encoding/json, so it gets the same answer and the same error as ever.
package wire

import (
	"bufio"
	"io"
)

// Point is one point of a batch as a reader hands it over. The reader reuses it: ID and
// everything it points to are valid until the next point is read.
type Point struct {
	ID       []byte // the caller's id as it goes into the answer (JSON), nil without one
	Lon, Lat float64
	Err      error // a point that could not be read: reported in its place, the batch goes on
}

// PointReader reads the points of one batch body, one at a time.
type PointReader interface {
	// Next reads the next point into p. It returns false at the end of the input, with a
	// non-nil error when the input broke off or stopped being readable (which ends the
	// batch: there is no telling where the next point starts).
	Next(p *Point) (bool, error)
	// Buffered reports whether input is at hand, so that reading the next point will not
	// wait for the client.
	Buffered() bool
}

// readBuffer is the read buffer of a batch body: big reads from the connection.
const readBuffer = 64 << 10

// NewCSVPoints reads a CSV batch (see csvPoints).
func NewCSVPoints(r io.Reader) PointReader {
	return newCSVPoints(bufio.NewReaderSize(r, readBuffer))
}

// NewJSONPoints reads a JSON array of points: [lon, lat] or {"id":..,"lon":..,"lat":..}.
func NewJSONPoints(r io.Reader) PointReader {
	return &jsonArrayPoints{arr: jsonArray{in: newJSONCutter(r)}}
}

// NewNDJSONPoints reads one JSON point per line.
func NewNDJSONPoints(r io.Reader) PointReader {
	return &ndjsonPoints{lines: longLines{in: bufio.NewReaderSize(r, readBuffer), max: maxNDJSONLine, tooLong: bufio.ErrTooLong}}
}

// NewGeoJSONPoints reads the Point features of a GeoJSON FeatureCollection.
func NewGeoJSONPoints(r io.Reader) PointReader { return &geoJSONPoints{in: newJSONCutter(r)} }

// longLines reads lines of any length up to max from a buffered input, gathering a line
// that outgrows the buffer (a body without line breaks must not be gathered whole).
type longLines struct {
	in      *bufio.Reader
	long    []byte
	max     int
	tooLong error // the error of a longer line
}

// read returns the next line with its newline, as bufio.Reader.ReadSlice does (the last
// line, without one, comes with io.EOF); the slice is valid until the next call.
func (l *longLines) read() ([]byte, error) {
	line, err := l.in.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(l.long) > l.max {
				return nil, l.tooLong
			}
			line, err = l.in.ReadSlice('\n')
			l.long = append(l.long, line...)
		}
		line = l.long
	}
	return line, err
}

func (l *longLines) buffered() bool { return l.in.Buffered() > 0 }
