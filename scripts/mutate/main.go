// Command mutate runs listed mutants of gridmap's code against the tests of its package:
// each mutant (a snippet of one file replaced by a plausible mistake) is applied alone, the
// package's tests run, and the mutant counts as killed when they fail and as survived when
// they pass. The file is restored after every mutant, and on interrupt.
//
// The mutants are hand-written (see the *.txt lists beside this file) rather than generated:
// a list names the mistakes that matter for the code (an off-by-one in a shard range, a
// dropped condition in the follower's SQL), which operator-based tools do not make, and keeps
// the run to a few minutes per package. Run it with scripts/mutate.sh, not by hand: that
// starts the database the follower's tests need and checks the tree is left as it was.
//
// Usage: go run ./scripts/mutate [-only regexp] [-check] [-backup dir] list.txt...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

type result struct {
	m       mutant
	status  string // killed, survived, equivalent, build-error, timeout
	took    time.Duration
	killer  string // the first failing test, for killed mutants
	message string
}

func main() {
	only := flag.String("only", "", "run only the mutants whose id matches this regexp")
	check := flag.Bool("check", false, "only check that every snippet occurs exactly once")
	backup := flag.String("backup", "", "directory to keep the original of the file being mutated (scripts/mutate.sh restores from it if this program dies)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: mutate [-only regexp] [-check] [-backup dir] list.txt...")
		os.Exit(2)
	}
	var filter *regexp.Regexp
	if *only != "" {
		filter = regexp.MustCompile(*only)
	}
	var lists []*list
	for _, p := range flag.Args() {
		l, err := readList(p)
		if err != nil {
			fail(err)
		}
		if err := checkList(l); err != nil {
			fail(err)
		}
		lists = append(lists, l)
	}
	if *check {
		for _, l := range lists {
			fmt.Printf("%s: %d mutants of %s, every snippet found once\n", l.name, len(l.mutants), l.pkg)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := runner{backup: *backup}
	var all [][]result
	for _, l := range lists {
		res, err := r.runList(ctx, l, filter)
		all = append(all, res)
		if err != nil {
			printSummary(lists, all)
			fail(err)
		}
	}
	printSummary(lists, all)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(1)
}

// checkList makes sure every mutant applies, before anything is run.
func checkList(l *list) error {
	for _, m := range l.mutants {
		src, err := os.ReadFile(m.file)
		if err != nil {
			return fmt.Errorf("%s: %v", m.id, err)
		}
		if _, err := m.apply(string(src)); err != nil {
			return err
		}
	}
	return nil
}

type runner struct {
	backup string
}

// runList runs the package's tests once as they are (they must pass, or every mutant would
// look killed), then once per mutant.
func (r runner) runList(ctx context.Context, l *list, filter *regexp.Regexp) ([]result, error) {
	fmt.Printf("== %s: %s (tests %s)\n", l.name, l.pkg, orAll(l.run))
	start := time.Now()
	if out, err := goTest(ctx, l); err != nil {
		return nil, fmt.Errorf("the tests of %s fail without any mutant:\n%s", l.pkg, tail(out, 40))
	}
	fmt.Printf("   baseline passes in %s\n", time.Since(start).Round(100*time.Millisecond))
	var res []result
	for _, m := range l.mutants {
		if filter != nil && !filter.MatchString(m.id) {
			continue
		}
		if m.equivalent != "" {
			res = append(res, result{m: m, status: "equivalent", message: m.equivalent})
			fmt.Printf("%-10s %-11s %6s  %s: %s\n", m.id, "equivalent", "", m.file, m.desc)
			continue
		}
		x, err := r.runMutant(ctx, l, m)
		if err != nil {
			return res, err
		}
		res = append(res, x)
		fmt.Printf("%-10s %-11s %6s  %s: %s", m.id, x.status, x.took.Round(100*time.Millisecond), m.file, m.desc)
		if x.killer != "" {
			fmt.Printf("  [%s]", x.killer)
		}
		fmt.Println()
		if x.status == "build-error" {
			fmt.Println(indent(tail(x.message, 10)))
		}
	}
	return res, nil
}

func (r runner) runMutant(ctx context.Context, l *list, m mutant) (result, error) {
	orig, err := os.ReadFile(m.file)
	if err != nil {
		return result{}, err
	}
	mutated, err := m.apply(string(orig))
	if err != nil {
		return result{}, err
	}
	var saved string
	if r.backup != "" {
		saved = filepath.Join(r.backup, strings.ReplaceAll(m.file, "/", "%"))
		if err := os.WriteFile(saved, orig, 0o644); err != nil {
			return result{}, err
		}
	}
	if err := os.WriteFile(m.file, []byte(mutated), 0o644); err != nil {
		return result{}, err
	}
	start := time.Now()
	out, testErr := goTest(ctx, l)
	took := time.Since(start)
	// Restore before anything else, and check that it took.
	if err := os.WriteFile(m.file, orig, 0o644); err != nil {
		return result{}, fmt.Errorf("restoring %s: %v (the original is in %s)", m.file, err, saved)
	}
	if back, err := os.ReadFile(m.file); err != nil || string(back) != string(orig) {
		return result{}, fmt.Errorf("restoring %s did not take (the original is in %s)", m.file, saved)
	}
	if saved != "" {
		os.Remove(saved)
	}
	if ctx.Err() != nil {
		return result{}, ctx.Err()
	}
	x := result{m: m, took: took, message: out}
	switch {
	case testErr == nil:
		x.status = "survived"
	case strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]"):
		x.status = "build-error"
	case errors.Is(testErr, context.DeadlineExceeded) || strings.Contains(out, "panic: test timed out"):
		x.status, x.killer = "killed", "timeout"
	default:
		x.status, x.killer = "killed", firstFailure(out)
	}
	return x, nil
}

// goTest runs the list's tests; the whole process group is killed at the timeout (plus a
// minute for the build), so a mutant that loops forever cannot hang the run.
func goTest(ctx context.Context, l *list) (string, error) {
	args := []string{"test", "-count=1", "-timeout", l.timeout.String()}
	if l.run != "" {
		args = append(args, "-run", l.run)
	}
	args = append(args, l.pkg)
	ctx, cancel := context.WithTimeout(ctx, l.timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil && ctx.Err() != nil {
		return string(out), ctx.Err()
	}
	return string(out), err
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

// firstFailure names the first failing test, or what else made go test fail.
func firstFailure(out string) string {
	if m := failLine.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	if strings.Contains(out, "panic:") {
		return "panic"
	}
	return "go test failed"
}

func printSummary(lists []*list, all [][]result) {
	fmt.Println()
	fmt.Println("| package | mutants | killed | survived | equivalent | build errors | killed of the rest |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for i, res := range all {
		c := map[string]int{}
		for _, x := range res {
			c[x.status]++
		}
		counted := c["killed"] + c["survived"]
		eff := "-"
		if counted > 0 {
			eff = fmt.Sprintf("%.0f%%", 100*float64(c["killed"])/float64(counted))
		}
		fmt.Printf("| %s | %d | %d | %d | %d | %d | %s |\n", lists[i].pkg, len(res), c["killed"], c["survived"], c["equivalent"], c["build-error"], eff)
	}
	for _, res := range all {
		for _, x := range res {
			if x.status == "survived" || x.status == "build-error" {
				fmt.Printf("%s %s: %s: %s\n", x.status, x.m.id, x.m.file, x.m.desc)
			}
		}
	}
}

func orAll(run string) string {
	if run == "" {
		return "all"
	}
	return run
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }
