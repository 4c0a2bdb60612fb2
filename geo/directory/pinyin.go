package directory

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// initialArgs asks go-pinyin for the first letter of each character's most common reading
// (水 → s, 城 → c); characters it has no reading for are skipped (its default fallback).
var initialArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	return a
}()

// Initials returns the pinyin initials of name in lower case, one letter per Chinese
// character, with ascii letters and digits kept as they are (lower-cased): 坪地村第2网格 →
// pdcd2wg. Other characters are left out.
func Initials(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 0x80:
			if p := pinyin.SinglePinyin(r, initialArgs); len(p) > 0 && p[0] != "" {
				b.WriteString(p[0][:1])
			}
		}
	}
	return b.String()
}
