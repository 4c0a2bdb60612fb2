package importfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Import files are UTF-8. Chinese desktop tools (Excel, WPS, older ArcGIS and MapInfo
// exports) often write GBK, whose bytes encoding/csv and encoding/json would pass on as
// they are (JSON even replaces them silently with U+FFFD): stored, that is mojibake for
// good. So the readers refuse text that is not UTF-8, naming the line or the feature and
// property, and say when it reads as GBK/GB18030; Decode converts such a file when asked.

// Decode returns r read in the named encoding as UTF-8: "" and "utf-8" leave r as it is;
// "gb18030" (or "gbk", "gb2312", which GB18030 extends) converts it. It refuses an
// unknown name, and a GB18030 file whose first 64 KiB are UTF-8 with non-ASCII text,
// which converting would garble.
func Decode(r io.Reader, encoding string) (io.Reader, error) {
	switch strings.ToLower(strings.ReplaceAll(encoding, "-", "")) {
	case "", "utf8":
		return r, nil
	case "gb18030", "gbk", "gb2312":
	default:
		return nil, fmt.Errorf("unknown encoding %q: expected utf-8 or gb18030", encoding)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if sample, ok := utf8Text(head); ok {
		return nil, fmt.Errorf("the file is UTF-8 already (it reads %q): import it without -encoding %s, which would garble it", sample, encoding)
	}
	return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), nil
}

// utf8Text reports whether head (the start of a file, perhaps cut inside a character) is
// valid UTF-8 with at least one character past ASCII, and returns a few words around it.
func utf8Text(head []byte) (string, bool) {
	for cut := 0; cut < utf8.UTFMax && cut < len(head); cut++ {
		if b := head[:len(head)-cut]; utf8.Valid(b) {
			head = b
			break
		}
	}
	if !utf8.Valid(head) {
		return "", false
	}
	for i, c := range string(head) {
		if c >= utf8.RuneSelf {
			return snippet(string(head), i), true
		}
	}
	return "", false
}

// snippet returns up to 12 characters of s from byte i on.
func snippet(s string, i int) string {
	rs := []rune(s[i:])
	return string(rs[:min(len(rs), 12)])
}

// notUTF8 says why text b is refused: it is not UTF-8, and when it reads as GBK/GB18030,
// what it says then and how to import it.
func notUTF8(b []byte) string {
	if s, ok := asGB18030(b); ok {
		return fmt.Sprintf("is not UTF-8 text; it looks like GBK/GB18030 (it reads %q): save the file as UTF-8, or import it with -encoding gb18030", s)
	}
	return "is not UTF-8 text: save the file as UTF-8"
}

// asGB18030 decodes b as GB18030 and reports whether that gives Chinese text: no
// undecodable bytes and at least one Han character.
func asGB18030(b []byte) (string, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) || !utf8.Valid(out) {
		return "", false
	}
	for _, c := range string(out) {
		if unicode.Is(unicode.Han, c) {
			return string([]rune(string(out))[:min(utf8.RuneCount(out), 24)]), true
		}
	}
	return "", false
}
