package server

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestPrint(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	pdf := get(t, ts, "/print/all.pdf?date=1944-06-15&dpi=72&paper=A4")
	if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.body, []byte("%PDF-")) {
		t.Fatalf("PDF: %d %s %q", pdf.status, pdf.header.Get("Content-Type"), pdf.body[:min(len(pdf.body), 16)])
	}
	// A4 landscape at 72 dpi is 842×595 points: the MediaBox says so.
	if !bytes.Contains(pdf.body, []byte("841.89")) && !bytes.Contains(pdf.body, []byte("841.8")) {
		t.Error("PDF has no A4 landscape MediaBox")
	}
	etag := pdf.header.Get("Etag")
	if etag == "" || pdf.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("PDF headers: %v", pdf.header)
	}
	if again := get(t, ts, "/print/all.pdf?date=1944-06-15&dpi=72&paper=A4", "If-None-Match: "+etag); again.status != 304 {
		t.Errorf("revalidation: %d", again.status)
	}
	// The same request made another way (defaults spelled out) is the same sheet.
	if same := get(t, ts, "/print/all.pdf?dpi=72&date=1944-06-15&orientation=landscape"); same.header.Get("Etag") != etag {
		t.Errorf("equivalent request: ETag %s, want %s", same.header.Get("Etag"), etag)
	}
	p := get(t, ts, "/print/march,siege.png?dpi=72&paper=Letter&orientation=portrait&title=Test")
	if p.status != 200 || p.header.Get("Content-Type") != "image/png" {
		t.Fatalf("PNG: %d %s", p.status, p.body)
	}
	img, err := png.Decode(bytes.NewReader(p.body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 612 || b.Dy() != 792 { // Letter portrait at 72 dpi
		t.Errorf("Letter portrait at 72 dpi is %v, want 612×792", b)
	}
}

func TestPrintBadRequests(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := []struct {
		path   string
		status int
		part   string
	}{
		{"/print/all.tif", 400, "extension"},
		{"/print/all", 400, "extension"},
		{"/print/Nope.pdf", 400, "layers"},
		{"/print/nope.pdf", 404, "nope"},
		{"/print/all.pdf?paper=B5", 400, "paper"},
		{"/print/all.pdf?orientation=sideways", 400, "orientation"},
		{"/print/all.pdf?dpi=71", 400, "dpi"},
		{"/print/all.pdf?dpi=601", 400, "dpi"},
		{"/print/all.pdf?dpi=abc", 400, "dpi"},
		{"/print/all.pdf?bbox=113,28,112,27", 400, "bbox"},
		{"/print/all.pdf?bbox=1,2,3", 400, "bbox"},
		{"/print/all.pdf?date=1944-02-30", 400, "date"},
		{"/print/all.pdf?date=1944-06", 400, "date"},
		{"/print/all.pdf?format=png", 400, "format"},
		{"/print/all.pdf?dpi=72&dpi=100", 400, "dpi"},
		{"/print/all.png?paper=A3&dpi=600", 413, "dpi"},
		{"/print/all.pdf?title=" + strings.Repeat("x", 400), 400, "title"},
	}
	for _, tc := range tests {
		res := get(t, ts, tc.path)
		msg := errorMessage(t, res)
		if res.status != tc.status || !strings.Contains(msg, tc.part) {
			t.Errorf("%s: %d %q; want %d naming %s", tc.path, res.status, msg, tc.status, tc.part)
		}
	}
}
