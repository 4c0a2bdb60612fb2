package wire

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// csvRecordsBoth reads input with csvPoints' record reader and with encoding/csv, record by
// record, and describes each the same way: the fields, or the error.
func csvRecordsBoth(input string) (mine, theirs []string) {
	c := newCSVPoints(newTestReader(input))
	for {
		parseErr, ioErr := c.readRecord()
		if ioErr != nil {
			if ioErr != io.EOF {
				mine = append(mine, "read error: "+ioErr.Error())
			}
			break
		}
		// encoding/csv takes the field count from the first record, even a broken one (the
		// fields before the error), and from the next when that is none; the batch reader
		// takes it from the header, and a broken header ends the batch.
		if c.fields == 0 {
			c.fields = len(c.rec.ends)
		} else if parseErr == nil && len(c.rec.ends) != c.fields {
			parseErr = &csv.ParseError{StartLine: c.recLine, Line: c.recLine, Column: 1, Err: csv.ErrFieldCount}
		}
		if parseErr != nil {
			mine = append(mine, "error: "+parseErr.Error())
			continue
		}
		var fs []string
		for k := range c.rec.ends {
			fs = append(fs, string(c.rec.field(k)))
		}
		mine = append(mine, fmt.Sprintf("%q", fs))
	}
	cr := csv.NewReader(strings.NewReader(input))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			theirs = append(theirs, "error: "+err.Error())
			continue
		}
		theirs = append(theirs, fmt.Sprintf("%q", rec))
	}
	return mine, theirs
}

func TestCSVRecordsMatchEncodingCSV(t *testing.T) {
	cases := []string{
		"id,lon,lat\na,1,2\n",
		"id,lon,lat\r\na,1,2\r\nb,3,4",
		"id,lon,lat\n\n\na,1,2\n\r\n",
		"id,lon,lat\na,1\nb,1,2,3\nc,1,2\n",
		"id,lon,lat\n\"a,b\",1,2\n\"x\"\"y\",3,4\n",
		"id,lon,lat\n\"multi\nline\",1,2\nc,5,6\n",
		"id,lon,lat\nab\"c,1,2\nd,3,4\n",
		"id,lon,lat\n\"ab\"c,1,2\nd,3,4\n",
		"id,lon,lat\n\"unterminated,1,2\nd,3,4\n",
		"id,lon,lat\n\"two\nlines\" x,1,2\n",
		"id,lon,lat\na,\"1\",\"2\"\n\"\",,\n",
		"id,lon,lat\na,1,2\r",
		"\"id\",\"lon\",\"lat\"\n\"a\",\"1\",\"2\"\n",
		"id,lon,lat\n\"a\r\nb\",1,2\n",
		"lon,lat\n 1 , 2 \n",
	}
	cases = append(cases, randomStrings(3, 5000, 30, "a", "1", ",", ",", "\"", "\"", "\n", "\r\n", " ", "\r")...)
	for _, in := range cases {
		mine, theirs := csvRecordsBoth(in)
		if fmt.Sprint(mine) != fmt.Sprint(theirs) {
			t.Fatalf("input %q:\n mine   %v\n theirs %v", in, mine, theirs)
		}
	}
}

// newTestReader gives the readers their input a few bytes at a time through the smallest
// buffer, so that lines cross the ends of reads and outgrow the buffer.
func newTestReader(s string) *bufio.Reader {
	return bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(s)), 16)
}
