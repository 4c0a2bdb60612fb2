package wire

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gridmap/gridmap/geo"
)

// csvPoints reads a CSV batch: a header naming lon, lat and optionally id (any order, any
// case, other columns ignored), then one point per record. It reads records as
// encoding/csv does (RFC 4180 quoting, CRLF or LF, blank lines skipped, every record as
// many fields as the header) and reports a malformed record with encoding/csv's own error,
// but splits plain lines in place and parses the numbers itself, with no allocation per
// point.
type csvPoints struct {
	lines   longLines
	started bool
	line    int // lines read so far, as encoding/csv counts them
	recLine int // the line the current record starts on
	fields  int // the header's field count
	lonAt   int
	latAt   int
	idAt    int // -1 without an id column
	rec     csvRecord
	idBuf   []byte
}

// csvRecord is one record: field k is data[starts[k]:ends[k]].
type csvRecord struct {
	data   []byte // the line itself for a line without quotes; else quote
	quote  []byte // the fields of a record with quotes, unquoted, one after the other
	starts []int
	ends   []int
}

func (r *csvRecord) field(k int) []byte { return r.data[r.starts[k]:r.ends[k]] }

// add ends a field at end; the next one starts at next.
func (r *csvRecord) add(end, next int) {
	r.ends = append(r.ends, end)
	r.starts = append(r.starts, next)
}

// maxCSVLine bounds one line: a point is a few dozen bytes, and a body without line breaks
// must not be gathered into memory whole.
const maxCSVLine = 1 << 20

func newCSVPoints(in *bufio.Reader) *csvPoints {
	return &csvPoints{lines: longLines{in: in, max: maxCSVLine, tooLong: fmt.Errorf("a line longer than %d bytes", maxCSVLine)}}
}

// readLine returns the next line with a CRLF ending turned into LF (and a CR before the end
// of the input dropped), as encoding/csv reads lines; the slice is valid until the next call.
// At the end of the input it returns io.EOF with no line.
func (c *csvPoints) readLine() ([]byte, error) {
	line, err := c.lines.read()
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if err != nil {
		return nil, err
	}
	c.line++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, nil
}

// readRecord reads the next record into c.rec. parseErr is a malformed record (the batch
// goes on with the next); ioErr is the end of the input (io.EOF) or a failed read.
func (c *csvPoints) readRecord() (parseErr, ioErr error) {
	var line []byte
	for {
		var err error
		if line, err = c.readLine(); err != nil {
			return nil, err
		}
		if len(line) > 1 || (len(line) == 1 && line[0] != '\n') {
			break // blank lines are skipped
		}
	}
	c.recLine = c.line
	body := line
	if body[len(body)-1] == '\n' {
		body = body[:len(body)-1]
	}
	rec := &c.rec
	rec.starts, rec.ends = append(rec.starts[:0], 0), rec.ends[:0]
	if bytes.IndexByte(body, '"') < 0 {
		// The common case: fields are the text between commas, in place.
		rec.data = body
		for i, b := range body {
			if b == ',' {
				rec.add(i, i+1)
			}
		}
		rec.ends = append(rec.ends, len(body))
		return nil, nil
	}
	return c.readQuoted(line)
}

// readQuoted parses a record with quotes, which may go on over several lines, following
// encoding/csv's rules (without lazy quotes) and reporting the same errors at the same
// positions.
func (c *csvPoints) readQuoted(line []byte) (parseErr, ioErr error) {
	rec := &c.rec
	rec.quote = rec.quote[:0]
	recLine := c.recLine
	lineNo, col := c.line, 1
	fail := func(e error, l, column int) error {
		return &csv.ParseError{StartLine: recLine, Line: l, Column: column, Err: e}
	}
	done := func() error {
		rec.data = rec.quote
		return nil
	}
	for {
		if len(line) == 0 || line[0] != '"' {
			// A field without quotes: up to the next comma or the end of the line.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else if len(field) > 0 && field[len(field)-1] == '\n' {
				field = field[:len(field)-1]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				return fail(csv.ErrBareQuote, c.line, col+j), nil
			}
			rec.quote = append(rec.quote, field...)
			if i < 0 {
				rec.ends = append(rec.ends, len(rec.quote))
				return done(), nil
			}
			rec.add(len(rec.quote), len(rec.quote))
			line = line[i+1:]
			col += i + 1
			continue
		}
		// A quoted field: "" is a quote, a quote ends it before a comma or the line's end,
		// and a line break inside it belongs to the field.
		line = line[1:]
		col++
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				rec.quote = append(rec.quote, line[:i]...)
				line = line[i+1:]
				col += i + 1
				switch {
				case len(line) > 0 && line[0] == '"':
					rec.quote = append(rec.quote, '"')
					line = line[1:]
					col++
					continue
				case len(line) > 0 && line[0] == ',':
					line = line[1:]
					col++
					rec.add(len(rec.quote), len(rec.quote))
				case len(line) == 0 || (len(line) == 1 && line[0] == '\n'):
					rec.ends = append(rec.ends, len(rec.quote))
					return done(), nil
				default:
					return fail(csv.ErrQuote, c.line, col-1), nil
				}
			case len(line) > 0:
				// The field goes on over the line break.
				rec.quote = append(rec.quote, line...)
				col += len(line)
				next, err := c.readLine()
				if err != nil && err != io.EOF {
					return nil, err
				}
				line = next
				if len(line) > 0 {
					lineNo++
					col = 1
				}
				continue
			default:
				// The input ended inside quotes.
				return fail(csv.ErrQuote, lineNo, col), nil
			}
			break // the field ended at a comma: the next field
		}
	}
}

func (c *csvPoints) Next(p *Point) (bool, error) {
	if !c.started {
		if err := c.readHeader(); err != nil {
			return false, err
		}
		c.started = true
	}
	parseErr, ioErr := c.readRecord()
	if ioErr == io.EOF {
		return false, nil
	}
	if ioErr != nil {
		return false, ioErr
	}
	*p = Point{}
	if parseErr == nil && len(c.rec.ends) != c.fields {
		parseErr = &csv.ParseError{StartLine: c.recLine, Line: c.recLine, Column: 1, Err: csv.ErrFieldCount}
	}
	if parseErr != nil {
		p.Err = geo.FieldError("line", "%v", parseErr)
		return true, nil
	}
	if c.idAt >= 0 {
		c.idBuf = appendJSONString(c.idBuf[:0], c.rec.field(c.idAt))
		p.ID = c.idBuf
	}
	if p.Lon, p.Err = csvDegrees(c.rec.field(c.lonAt), "lon"); p.Err == nil {
		p.Lat, p.Err = csvDegrees(c.rec.field(c.latAt), "lat")
	}
	return true, nil
}

func (c *csvPoints) readHeader() error {
	headerErr := fmt.Errorf("a CSV batch starts with a header naming lon and lat")
	// Spreadsheets start a UTF-8 file with a byte order mark.
	if bom, _ := c.lines.in.Peek(3); string(bom) == "\ufeff" {
		c.lines.in.Discard(3)
	}
	parseErr, ioErr := c.readRecord()
	if parseErr != nil || ioErr == io.EOF {
		return headerErr
	}
	if ioErr != nil {
		return ioErr
	}
	c.fields = len(c.rec.ends)
	c.lonAt, c.latAt, c.idAt = -1, -1, -1
	for k := range c.rec.ends {
		h := c.rec.field(k)
		// a repeated name: the last column of that name counts
		switch strings.ToLower(strings.TrimSpace(string(h))) {
		case "lon":
			c.lonAt = k
		case "lat":
			c.latAt = k
		case "id":
			c.idAt = k
		}
	}
	if c.lonAt < 0 || c.latAt < 0 {
		return fmt.Errorf("the CSV header must name lon and lat columns")
	}
	return nil
}

// csvDegrees reads a coordinate field: spaces around it allowed, empty is missing, anything
// strconv.ParseFloat rejects, or that is not written in decimal, is not a number.
func csvDegrees(f []byte, name string) (float64, error) {
	lo, hi := 0, len(f)
	for lo < hi && asciiSpace(f[lo]) {
		lo++
	}
	for hi > lo && asciiSpace(f[hi-1]) {
		hi--
	}
	if v, ok := decimalValue(f[lo:hi], true); ok {
		return v, nil
	}
	// The slow road, exactly as before: Unicode spaces, exponents, "NaN", bad numbers.
	s := strings.TrimSpace(string(f))
	if s == "" {
		return 0, geo.FieldError(name, "missing")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !geo.IsDecimal(s) {
		return 0, geo.FieldError(name, "%q is not a number of degrees", string(f))
	}
	return v, nil
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func (c *csvPoints) Buffered() bool { return c.lines.buffered() }
