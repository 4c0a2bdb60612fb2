package wire

import (
	"fmt"
	"io"
)

// jsonCutter cuts a JSON stream into values without decoding them: it finds where a value
// ends (matching brackets outside strings) and hands out its bytes, which stay valid until
// the next call. It does not check the value: the parsers that read it do.
type jsonCutter struct {
	r   io.Reader
	buf []byte
	pos int // the next unread byte in buf
	err error
}

// maxJSONValue bounds one point or one skipped member, which must not be gathered whole.
const maxJSONValue = 16 << 20

func newJSONCutter(r io.Reader) *jsonCutter {
	return &jsonCutter{r: r, buf: make([]byte, 0, readBuffer)}
}

func (c *jsonCutter) buffered() bool { return c.pos < len(c.buf) }

// fill reads more input, keeping buf[keep:]; it returns the shift of offsets into buf.
func (c *jsonCutter) fill(keep int) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	shift := keep
	n := copy(c.buf[:cap(c.buf)], c.buf[keep:])
	c.buf = c.buf[:n]
	c.pos -= shift
	if len(c.buf) == cap(c.buf) {
		if cap(c.buf) >= maxJSONValue {
			c.err = fmt.Errorf("a point longer than %d bytes", maxJSONValue)
			return shift, c.err
		}
		c.buf = append(c.buf, make([]byte, cap(c.buf))...)[:n]
	}
	m, err := c.r.Read(c.buf[n:cap(c.buf)])
	c.buf = c.buf[:n+m]
	if err != nil {
		c.err = err
		if m > 0 {
			return shift, nil
		}
		return shift, err
	}
	return shift, nil
}

// peek skips white space and returns the next byte without taking it.
func (c *jsonCutter) peek() (byte, error) {
	for {
		for c.pos < len(c.buf) {
			switch b := c.buf[c.pos]; b {
			case ' ', '\t', '\n', '\r':
				c.pos++
			default:
				return b, nil
			}
		}
		if _, err := c.fill(c.pos); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
	}
}

// endOfFirst reads past the closing bracket of an empty array or object.
func (c *jsonCutter) endOfFirst(closer byte) (bool, error) {
	b, err := c.peek()
	if err != nil {
		return false, err
	}
	if b == closer {
		c.pos++
		return true, nil
	}
	return false, nil
}

// endOrComma reads the separator after an element: a comma, or the closing bracket.
func (c *jsonCutter) endOrComma(closer byte, after string) (bool, error) {
	b, err := c.peek()
	if err != nil {
		return false, err
	}
	c.pos++
	switch b {
	case closer:
		return true, nil
	case ',':
		return false, nil
	}
	return false, fmt.Errorf("invalid character %q after %s", b, after)
}

// value cuts the next value.
func (c *jsonCutter) value() ([]byte, error) {
	first, err := c.peek()
	if err != nil {
		return nil, err
	}
	start := c.pos
	i := c.pos // the next byte to look at
	depth, inString, escaped := 0, false, false
	switch first {
	case ']', '}', ',', ':':
		return nil, fmt.Errorf("invalid character %q looking for beginning of value", first)
	}
	scalar := first != '[' && first != '{' && first != '"'
	for {
		for ; i < len(c.buf); i++ {
			b := c.buf[i]
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case b == '\\':
					escaped = true
				case b == '"':
					inString = false
					if depth == 0 {
						c.pos = i + 1
						return c.buf[start:c.pos], nil
					}
				}
			case scalar:
				switch b {
				case ',', ']', '}', ' ', '\t', '\n', '\r', ':':
					c.pos = i
					return c.buf[start:i], nil
				}
			case b == '"':
				inString = true
			case b == '[' || b == '{':
				depth++
			case b == ']' || b == '}':
				depth--
				if depth == 0 {
					c.pos = i + 1
					return c.buf[start:c.pos], nil
				}
			}
		}
		shift, err := c.fill(start)
		start -= shift
		i -= shift
		if err != nil {
			if err == io.EOF && scalar && i > start {
				c.pos = i
				return c.buf[start:i], nil
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// jsonArray walks the elements of a JSON array that is the whole body.
type jsonArray struct {
	in      *jsonCutter
	started bool
	done    bool
}

// element cuts the next element. It returns false at the end of the array, with the error
// that ended it early; notArray is the error of a body that does not start with one.
func (a *jsonArray) element(notArray error) (raw []byte, more bool, err error) {
	if a.done {
		return nil, false, nil
	}
	if !a.started {
		if c, err := a.in.peek(); err != nil || c != '[' {
			return nil, false, notArray
		}
		a.in.pos++
		a.started = true
		if end, err := a.in.endOfFirst(']'); err != nil || end {
			a.done = true
			return nil, false, err
		}
	} else if end, err := a.in.endOrComma(']', "array element"); err != nil || end {
		a.done = true
		return nil, false, err
	}
	raw, err = a.in.value()
	if err != nil {
		return nil, false, err
	}
	return raw, true, nil
}
