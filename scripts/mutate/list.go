package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// list is one file of mutants: the package whose tests must kill them, and the mutants.
//
// The file is blocks of "key: value" lines separated by blank lines; lines starting with #
// are comments. The first block is the header:
//
//	package: ./geo/index/       the package whose tests run (go test argument)
//	run: Follow|Snapshot        optional go test -run pattern (default: every test)
//	timeout: 3m                 optional limit per mutant (default 5m)
//
// Each further block is one mutant:
//
//	file: geo/index/shard.go    path from the repository root
//	desc: one line saying what the mutant breaks
//	from: a snippet that occurs exactly once in the file
//	to: its replacement
//	equivalent: why no test can tell (optional: such a mutant is not run)
//
// In from and to, \n stands for a newline, \t for a tab and \\ for a backslash.
type list struct {
	name    string // the file's base name without extension: the prefix of mutant ids
	pkg     string
	run     string
	timeout time.Duration
	mutants []mutant
}

type mutant struct {
	id         string
	file       string
	desc       string
	from, to   string
	equivalent string
	line       int // where its block starts in the list, for messages
}

func readList(path string) (*list, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l := &list{name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), timeout: 5 * time.Minute}
	var blocks []map[string]string
	var starts []int
	cur := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if trimmed == "" {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur = map[string]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key: value", path, n)
		}
		k = strings.TrimSpace(k)
		if _, dup := cur[k]; dup {
			return nil, fmt.Errorf("%s:%d: %s given twice in one block", path, n, k)
		}
		if len(cur) == 0 {
			starts = append(starts, n)
		}
		cur[k] = strings.TrimPrefix(v, " ")
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	if len(blocks) == 0 || blocks[0]["package"] == "" {
		return nil, fmt.Errorf("%s: the first block must name the package", path)
	}
	h := blocks[0]
	l.pkg, l.run = h["package"], h["run"]
	if t := h["timeout"]; t != "" {
		if l.timeout, err = time.ParseDuration(t); err != nil {
			return nil, fmt.Errorf("%s: timeout: %v", path, err)
		}
	}
	for i, b := range blocks[1:] {
		m := mutant{
			id:   fmt.Sprintf("%s-%02d", l.name, i+1),
			file: b["file"], desc: b["desc"],
			from: unescape(b["from"]), to: unescape(b["to"]),
			equivalent: b["equivalent"],
			line:       starts[i+1],
		}
		if m.file == "" || m.desc == "" || m.from == "" {
			return nil, fmt.Errorf("%s:%d: a mutant needs file, desc and from", path, m.line)
		}
		if _, ok := b["to"]; !ok {
			return nil, fmt.Errorf("%s:%d: a mutant needs to (it may be empty)", path, m.line)
		}
		if m.from == m.to {
			return nil, fmt.Errorf("%s:%d: from and to are the same", path, m.line)
		}
		l.mutants = append(l.mutants, m)
	}
	return l, nil
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// apply returns the file's source with the mutant applied; the snippet must occur exactly
// once, so that a list stays honest when the code around it changes.
func (m mutant) apply(src string) (string, error) {
	switch c := strings.Count(src, m.from); c {
	case 1:
		return strings.Replace(src, m.from, m.to, 1), nil
	case 0:
		return "", fmt.Errorf("%s: snippet not found in %s (line %d of the list)", m.id, m.file, m.line)
	default:
		return "", fmt.Errorf("%s: snippet occurs %d times in %s (line %d of the list)", m.id, c, m.file, m.line)
	}
}
