package geo

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with one feature or row of an import file.
type Problem struct {
	Index   int    `json:"index"`           // 1-based feature number or CSV line; 0 for the whole file
	Key     string `json:"key,omitempty"`   // the code or id of the feature or row, when known
	Field   string `json:"field,omitempty"` // the property or column at fault, when one is
	Message string `json:"message"`
}

// ImportError is an import file refused: it lists every problem found, and nothing of the
// file was stored. Its kind is Invalid.
type ImportError struct {
	File     string    `json:"file"`
	Item     string    `json:"item"` // what Index counts: "feature" or "line"
	Problems []Problem `json:"problems"`
}

// maxListed caps the problems Error prints, so a file where every row is wrong does not
// flood a log; Format prints any number.
const maxListed = 50

func (e *ImportError) Error() string { return e.Format(maxListed) }

// Unwrap lets KindOf see an ImportError as Invalid without a special case.
func (e *ImportError) Unwrap() error {
	return &Error{Kind: Invalid, Message: e.Summary()}
}

// Summary is the one-line form: the file and how many problems it has.
func (e *ImportError) Summary() string {
	n := len(e.Problems)
	s := "s"
	if n == 1 {
		s = ""
	}
	return fmt.Sprintf("%s: %d problem%s, nothing stored", e.File, n, s)
}

// Format returns the summary and then one line per problem, at most max of them (all when
// max <= 0) followed by "and N more".
func (e *ImportError) Format(max int) string {
	var b strings.Builder
	b.WriteString(e.Summary())
	for i, p := range e.Problems {
		if max > 0 && i == max {
			fmt.Fprintf(&b, "\n  and %d more", len(e.Problems)-max)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(e.line(p))
	}
	return b.String()
}

func (e *ImportError) line(p Problem) string {
	var b strings.Builder
	if p.Index > 0 {
		item := e.Item
		if item == "" {
			item = "item"
		}
		fmt.Fprintf(&b, "%s %d", item, p.Index)
		if p.Key != "" {
			fmt.Fprintf(&b, " (%s)", p.Key)
		}
		b.WriteString(": ")
	} else if p.Key != "" {
		fmt.Fprintf(&b, "%s: ", p.Key)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}
