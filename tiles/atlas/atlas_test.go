package atlas

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

func day(t *testing.T, s string) geo.Day {
	t.Helper()
	d, err := geo.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func campaign(t *testing.T) (*overlays.Campaign, *tiles.Renderer) {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c, tiles.New(c)
}

func TestParseRequest(t *testing.T) {
	tests := map[string]struct {
		query string
		param string // "" for a good request
		is    error
		want  string // the canonical form of a good one
	}{
		"dates": {query: "dates=1944-06-18,1944-07-15,1944-08-08&paper=a4",
			want: "bbox=auto&dates=1944-06-18%2C1944-07-15%2C1944-08-08&dpi=150&orientation=landscape&paper=A4"},
		"phases":          {query: "phases=4&dpi=72&orientation=Portrait", want: "bbox=auto&dpi=72&orientation=portrait&paper=A4&phases=4"},
		"none":            {query: "paper=a4", param: "dates", is: ErrDates},
		"both":            {query: "dates=1944-06-18&phases=2", param: "phases", is: ErrPhases},
		"bad date":        {query: "dates=1944-06-18,1944-06-31", param: "dates", is: ErrDates},
		"month":           {query: "dates=1944-06", param: "dates", is: ErrDates},
		"empty date":      {query: "dates=1944-06-18,", param: "dates", is: ErrDates},
		"out of order":    {query: "dates=1944-07-15,1944-06-18", param: "dates", is: ErrDates},
		"repeated":        {query: "dates=1944-07-15,1944-07-15", param: "dates", is: ErrDates},
		"too many dates":  {query: "dates=" + strings.Repeat("1944-06-18,", MaxSheets) + "1944-06-19", param: "dates", is: sheet.ErrTooLarge},
		"too many phases": {query: "phases=17", param: "phases", is: sheet.ErrTooLarge},
		"zero phases":     {query: "phases=0", param: "phases", is: ErrPhases},
		"phases word":     {query: "phases=all", param: "phases", is: ErrPhases},
		"paper":           {query: "dates=1944-06-18&paper=B5", param: "paper", is: sheet.ErrPaper},
		"dpi":             {query: "dates=1944-06-18&dpi=700", param: "dpi", is: sheet.ErrDPI},
		"pixels":          {query: "phases=16&paper=A3&dpi=300", param: "dpi", is: sheet.ErrTooLarge},
		"bbox":            {query: "dates=1944-06-18&bbox=113,28,112,27", param: "bbox", is: sheet.ErrBBox},
		"title":           {query: "dates=1944-06-18&title=a%0Ab", param: "title", is: sheet.ErrText},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			req, err := ParseRequest(q)
			if tc.param == "" {
				if err != nil || req.String() != tc.want {
					t.Fatalf("got %q, %v; want %q", req.String(), err, tc.want)
				}
				return
			}
			var re *sheet.RequestError
			if !errors.As(err, &re) || re.Param != tc.param || !errors.Is(err, tc.is) {
				t.Fatalf("error %v; want a *sheet.RequestError on %s wrapping %v", err, tc.param, tc.is)
			}
		})
	}
}

func TestPhases(t *testing.T) {
	c, _ := campaign(t)
	sel, err := c.Select("hengyang")
	if err != nil {
		t.Fatal(err)
	}
	siege := geo.Span{From: day(t, "1944-06-22"), To: day(t, "1944-08-08")}
	tests := map[string]struct {
		n    int
		span geo.Span
		want []string // the phases' days
	}{
		"siege in eight": {8, siege, []string{"1944-06-23", "1944-06-28", "1944-07-15", "1944-07-19", "1944-07-27", "1944-08-02", "1944-08-06", "1944-08-08"}},
		"all in four":    {4, geo.All, []string{"1944-06-23", "1944-07-18", "1944-08-02", "1944-09-01"}},
		"one":            {1, siege, []string{"1944-08-08"}},
		"more than days": {40, geo.Span{From: day(t, "1944-08-06"), To: day(t, "1944-08-08")}, []string{"1944-08-06", "1944-08-07", "1944-08-08"}},
		"none":           {3, geo.Span{From: day(t, "1950-01-01"), To: day(t, "1950-12-31")}, nil},
		"zero":           {0, siege, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ps := Phases(sel, tc.n, tc.span)
			var got []string
			events := 0
			for i, p := range ps {
				got = append(got, p.Day().String())
				events += len(p.Events)
				for _, e := range p.Events {
					if !(geo.Span{From: p.From, To: p.To}).Contains(e.Span.From) {
						t.Errorf("phase %d (%s): event %q starts %s", i, geo.Span{From: p.From, To: p.To}, e.Name, e.Span.From)
					}
				}
				if i > 0 && p.From <= ps[i-1].To {
					t.Errorf("phase %d overlaps the one before", i)
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("days %v, want %v", got, tc.want)
			}
		})
	}
}

var (
	pagesRE    = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)
	pageSizeRE = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([0-9.]+) x ([0-9.]+) pts`)
)

// TestAtlasPDF writes the atlas and reads it back with poppler: one
// page per date between a cover and the sources, every page of the paper's
// size, each sheet's page carrying its date, its page number and a legend.
func TestAtlasPDF(t *testing.T) {
	pdfinfo := testkit.Tool(t, "pdfinfo", "poppler-utils")
	pdftotext := testkit.Tool(t, "pdftotext", "poppler-utils")
	c, r := campaign(t)
	tests := map[string]struct {
		layers string
		req    Request
		w, h   float64 // points
		dates  []string
	}{
		"dates, A4 landscape": {"all", Request{Days: []geo.Day{day(t, "1944-06-18"), day(t, "1944-07-15"), day(t, "1944-08-08")}, Paper: sheet.A4, DPI: 72},
			841.89, 595.28, []string{"18 June 1944", "15 July 1944", "8 August 1944"}},
		"phases, Letter portrait": {"hengyang", Request{Phases: 2, Paper: sheet.Letter, Orientation: sheet.Portrait, DPI: 72},
			612, 792, []string{"18 July 1944", "1 September 1944"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			sel, err := c.Select(tc.layers)
			if err != nil {
				t.Fatal(err)
			}
			a, err := New(r, sel, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := a.WritePDF(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "atlas.pdf")
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			info, err := exec.Command(pdfinfo, "-f", "1", "-l", "99", file).Output()
			if err != nil {
				t.Fatal(err)
			}
			m := pagesRE.FindSubmatch(info)
			if m == nil {
				t.Fatalf("pdfinfo: no page count in\n%s", info)
			}
			pages, _ := strconv.Atoi(string(m[1]))
			want := len(tc.dates) + 1 + len(a.sourcePages)
			if pages != want || a.Pages() != want || len(a.sourcePages) < 1 {
				t.Fatalf("%d pages (Pages() %d); want %d: a cover, %d sheets, %d of sources", pages, a.Pages(), want, len(tc.dates), len(a.sourcePages))
			}
			sizes := pageSizeRE.FindAllSubmatch(info, -1)
			if len(sizes) != pages {
				t.Fatalf("pdfinfo lists %d page sizes for %d pages", len(sizes), pages)
			}
			for _, s := range sizes {
				w, _ := strconv.ParseFloat(string(s[2]), 64)
				h, _ := strconv.ParseFloat(string(s[3]), 64)
				if abs(w-tc.w) > 0.01 || abs(h-tc.h) > 0.01 {
					t.Errorf("page %s is %.2f×%.2f pt, want %.2f×%.2f", s[1], w, h, tc.w, tc.h)
				}
			}
			for p := 1; p <= pages; p++ {
				text, err := exec.Command(pdftotext, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-layout", file, "-").Output()
				if err != nil {
					t.Fatal(err)
				}
				folio := "page " + strconv.Itoa(p) + " of " + strconv.Itoa(pages)
				if !strings.Contains(strings.ToLower(string(text)), folio) {
					t.Errorf("page %d does not say %q", p, folio)
				}
				switch {
				case p == 1:
					for _, d := range tc.dates {
						if !strings.Contains(string(text), d) {
							t.Errorf("cover: no %q in its contents", d)
						}
					}
				case p <= len(tc.dates)+1:
					d := tc.dates[p-2]
					if !strings.Contains(string(text), "Situation on "+d) || !strings.Contains(string(text), "LEGEND") {
						t.Errorf("page %d: no %q or legend in\n%s", p, "Situation on "+d, text)
					}
					for i, other := range tc.dates {
						if i != p-2 && strings.Contains(string(text), "Situation on "+other) {
							t.Errorf("page %d shows the date of sheet %d, %s", p, i+1, other)
						}
					}
				default:
					if !strings.Contains(string(text), "Sources") || !strings.Contains(string(text), "sheet") {
						t.Errorf("page %d is not a page of sources:\n%s", p, text)
					}
				}
			}
			if len(a.Sources) == 0 {
				t.Error("no sources cited")
			}
		})
	}
}

// TestLegendPerSheet checks each sheet's legend holds only what is on it:
// the siege ring is drawn around Hengyang in July, not on 18 June, when
// the map is at Changsha.
func TestLegendPerSheet(t *testing.T) {
	c, r := campaign(t)
	a, err := New(r, overlays.Selection(c.Layers), Request{Days: []geo.Day{day(t, "1944-06-18"), day(t, "1944-07-15")}, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(s *sheet.Sheet) string {
		var out []string
		for _, e := range s.Legend {
			out = append(out, e.ID)
		}
		return strings.Join(out, " ")
	}
	a0, a1 := " "+ids(a.Sheets[0])+" ", " "+ids(a.Sheets[1])+" "
	if strings.Contains(a0, " siege ") || !strings.Contains(a1, " siege ") {
		t.Errorf("the siege ring: 18 June legend %q, 15 July legend %q; want it on 15 July only", a0, a1)
	}
}

func TestNewNoEvents(t *testing.T) {
	c, r := campaign(t)
	sel, err := c.Select("context")
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(r, sel, Request{Phases: 3})
	var re *sheet.RequestError
	if !errors.As(err, &re) || re.Param != "phases" || !errors.Is(err, ErrPhases) {
		t.Fatalf("phases of the context layer: %v; want a RequestError on phases", err)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
