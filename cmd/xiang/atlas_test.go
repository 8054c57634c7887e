package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAtlasUsage(t *testing.T) {
	tests := map[string]struct {
		args []string
		code int
		has  string
	}{
		"help":         {[]string{"atlas", "-h"}, 0, "-phases"},
		"nothing":      {[]string{"atlas"}, 2, `-dates: dates "": invalid dates: want dates=YYYY-MM-DD,… or phases=N`},
		"bad date":     {[]string{"atlas", "-dates", "1944-06-18,1944-13-01"}, 2, `-dates "1944-06-18,1944-13-01": invalid dates: date 2 "1944-13-01"`},
		"out of order": {[]string{"atlas", "-dates", "1944-07-15,1944-06-18"}, 2, "want each date once, in order"},
		"both":         {[]string{"atlas", "-dates", "1944-06-18", "-phases", "3"}, 2, "give dates or phases, not both"},
		"many phases":  {[]string{"atlas", "-phases", "40"}, 2, "40 sheets, at most 16"},
		"paper":        {[]string{"atlas", "-phases", "3", "-paper", "B5"}, 2, `-paper "B5": unknown paper size`},
		"pixels":       {[]string{"atlas", "-phases", "16", "-paper", "A3", "-dpi", "400"}, 2, "atlas too large: 16 sheets of A3 at 400 dpi"},
		"layer":        {[]string{"atlas", "-phases", "2", "-data", printData, "-layers", "nope"}, 2, `layer "nope"`},
		"extra":        {[]string{"atlas", "-phases", "2", "extra"}, 2, `unexpected argument "extra"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.has) {
				t.Errorf("xiang %v: exit %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.has, out, errOut)
			}
		})
	}
}

func TestAtlasCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "atlas.pdf")
	code, _, errOut := runCmd(t, "atlas", "-layers", "all", "-dates", "1944-06-18,1944-07-15,1944-08-08", "-paper", "a4", "-dpi", "72", "-o", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s: %v, starts %q", file, err, b[:min(len(b), 8)])
	}
	// One /Type /Page object per page: the cover, three sheets and at
	// least one page of sources (pdfinfo checks it in tiles/atlas).
	if n := bytes.Count(b, []byte("/Type /Page\n")); n < 5 {
		t.Errorf("%d pages, want at least 5", n)
	}
}
