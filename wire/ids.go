package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// IDReader reads household ids one at a time.
type IDReader interface {
	// Next returns the next id; false at the end of the input, with the error that ended
	// it early.
	Next() (string, bool, error)
	// Buffered reports whether input is at hand.
	Buffered() bool
}

// maxIDLine bounds a line of ids' input, as the bufio.Scanner this reader replaced did.
const maxIDLine = 64 << 10

// NewLineIDs reads one id per line; spaces and quotes around an id are dropped and blank
// lines skipped.
func NewLineIDs(r io.Reader) IDReader {
	return &lineIDs{lines: longLines{in: bufio.NewReaderSize(r, 16<<10), max: maxIDLine, tooLong: bufio.ErrTooLong}}
}

// NewJSONIDs reads a JSON array of id strings.
func NewJSONIDs(r io.Reader) IDReader { return &jsonIDs{arr: jsonArray{in: newJSONCutter(r)}} }

type lineIDs struct {
	lines longLines
}

func (l *lineIDs) Next() (string, bool, error) {
	for {
		line, err := l.lines.read()
		if err != nil && err != io.EOF {
			return "", false, err
		}
		if id := bytes.Trim(bytes.TrimSpace(line), `"`); len(id) > 0 {
			return string(id), true, nil
		}
		if err == io.EOF {
			return "", false, nil
		}
	}
}

func (l *lineIDs) Buffered() bool { return l.lines.buffered() }

type jsonIDs struct {
	arr jsonArray
}

var errNotIDArray = errors.New("a JSON body is an array of household ids")

func (j *jsonIDs) Next() (string, bool, error) {
	raw, more, err := j.arr.element(errNotIDArray)
	if err == errNotIDArray {
		return "", false, err
	}
	if !more || err != nil {
		return "", false, idsError(err)
	}
	p := jsonParser{b: raw}
	if s, ok := p.plainString(); ok && p.atEnd() {
		return string(s[1 : len(s)-1]), true, nil
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return "", false, idsError(err)
	}
	return id, true, nil
}

func (j *jsonIDs) Buffered() bool { return j.arr.in.buffered() }

func idsError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("household ids are strings: %v", err)
}
