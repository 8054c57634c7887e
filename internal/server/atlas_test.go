package server

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// TestAtlas asks for the atlas of the Hunan campaign and reads it
// with poppler: a cover, one A4 page per date with that date in its text,
// and the sources.
func TestAtlas(t *testing.T) {
	pdfinfo := testkit.Tool(t, "pdfinfo", "poppler-utils")
	pdftotext := testkit.Tool(t, "pdftotext", "poppler-utils")
	_, ts := newServer(t, "", Config{Load: hunan.Load, Source: "embedded"})
	path := "/atlas/all.pdf?dates=1944-06-18,1944-07-15,1944-08-08&paper=a4&dpi=72"
	res := get(t, ts, path)
	if res.status != 200 || res.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		t.Fatalf("%s: %d %s %q", path, res.status, res.header.Get("Content-Type"), res.body[:min(len(res.body), 64)])
	}
	etag := res.header.Get("Etag")
	if etag == "" || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers: %v", res.header)
	}
	if again := get(t, ts, path, "If-None-Match: "+etag); again.status != 304 {
		t.Errorf("revalidation: %d", again.status)
	}
	// The same atlas asked another way is the same bytes.
	if same := get(t, ts, "/atlas/all.pdf?paper=A4&orientation=landscape&dpi=72&dates=1944-06-18,1944-07-15,1944-08-08"); same.header.Get("Etag") != etag {
		t.Errorf("equivalent request: ETag %s, want %s", same.header.Get("Etag"), etag)
	}
	file := filepath.Join(t.TempDir(), "atlas.pdf")
	if err := os.WriteFile(file, res.body, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command(pdfinfo, "-f", "1", "-l", "99", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo:\n%s", info)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	if pages < 5 {
		t.Fatalf("%d pages; want a cover, 3 sheets and the sources", pages)
	}
	if n := len(regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+841.89 x 595.28 pts`).FindAll(info, -1)); n != pages {
		t.Errorf("%d of %d pages are A4 landscape:\n%s", n, pages, info)
	}
	for i, d := range []string{"18 June 1944", "15 July 1944", "8 August 1944"} {
		p := strconv.Itoa(i + 2)
		text, err := exec.Command(pdftotext, "-f", p, "-l", p, file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "Situation on "+d) {
			t.Errorf("page %s: no %q", p, "Situation on "+d)
		}
	}
}

func TestAtlasBadRequests(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := map[string]struct {
		path   string
		status int
		part   string
	}{
		"extension":      {"/atlas/all.png?phases=2", 400, "extension"},
		"no extension":   {"/atlas/all?phases=2", 400, "extension"},
		"layers":         {"/atlas/Nope.pdf?phases=2", 400, "layers"},
		"unknown layer":  {"/atlas/nope.pdf?phases=2", 404, "nope"},
		"no dates":       {"/atlas/all.pdf", 400, "dates"},
		"bad date":       {"/atlas/all.pdf?dates=1944-06-18,1944-02-30", 400, "dates"},
		"order":          {"/atlas/all.pdf?dates=1944-07-01,1944-06-01", 400, "dates"},
		"too many dates": {"/atlas/all.pdf?dates=" + strings.Repeat("1944-06-01,", 20) + "1944-06-02", 413, "dates"},
		"both":           {"/atlas/all.pdf?dates=1944-06-18&phases=2", 400, "phases"},
		"phases":         {"/atlas/all.pdf?phases=x", 400, "phases"},
		"too many":       {"/atlas/all.pdf?phases=17", 413, "phases"},
		"no events":      {"/atlas/context.pdf?phases=3", 400, "phases"},
		"pixels":         {"/atlas/all.pdf?phases=16&paper=A3&dpi=300", 413, "dpi"},
		"paper":          {"/atlas/all.pdf?phases=2&paper=B5", 400, "paper"},
		"dpi":            {"/atlas/all.pdf?phases=2&dpi=1000", 400, "dpi"},
		"bbox":           {"/atlas/all.pdf?phases=2&bbox=113,28,112,27", 400, "bbox"},
		"twice":          {"/atlas/all.pdf?phases=2&phases=3", 400, "phases"},
		"unknown":        {"/atlas/all.pdf?phases=2&date=1944-06-18", 400, "date"},
		"title":          {"/atlas/all.pdf?phases=2&title=" + strings.Repeat("x", 400), 400, "title"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, ts, tc.path)
			msg := errorMessage(t, res)
			if res.status != tc.status || !strings.Contains(msg, tc.part) {
				t.Errorf("%s: %d %q; want %d naming %s", tc.path, res.status, msg, tc.status, tc.part)
			}
		})
	}
}
