package conformance

import (
	"fmt"
	"strings"
)

// An acceptedDifference is a difference between tsworker and the TypeScript
// SDK that the Go SDK core, which tsworker runs on, makes unavoidable. The
// suite masks the field in both runtimes' observations before comparing.
type acceptedDifference struct {
	// Case is the case's name, or "*" for every case.
	Case string
	// Path is a path.Match pattern of the field: the step's name, then
	// map keys and list indexes, separated by "/".
	Path string
	// What is the difference, Reason why the Go SDK core forces it.
	What, Reason string
}

// accepted lists every accepted difference. README.md shows it (the test
// TestREADMETable keeps the two equal).
var accepted = []acceptedDifference{}

// pending lists, by case, the differences measured that are tsworker bugs
// still to fix. A pending case's differences are logged and do not fail the
// test; a pending case that matches fails, so that it leaves this list.
var pending = map[string]string{}

// acceptedFor returns the path patterns accepted for case name.
func acceptedFor(name string) []string {
	var out []string
	for _, a := range accepted {
		if a.Case == "*" || a.Case == name {
			out = append(out, a.Path)
		}
	}
	return out
}

// acceptedMarkdown renders accepted as the Markdown table of README.md.
func acceptedMarkdown() string {
	var b strings.Builder
	b.WriteString("| case | field | difference | why the Go SDK core forces it |\n")
	b.WriteString("| --- | --- | --- | --- |\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, a := range accepted {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", cell(a.Case), cell(a.Path), cell(a.What), cell(a.Reason))
	}
	if len(accepted) == 0 {
		b.WriteString("| (none) | | | |\n")
	}
	return b.String()
}
