package sheet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// A server reads the query of GET /print/{layers}.pdf with ParseRequest,
// answers a *RequestError with 400, and writes the sheet with Write.
func ExampleParseRequest() {
	q, _ := url.ParseQuery("date=1944-07-01&paper=a3&orientation=portrait&dpi=150")
	req, err := sheet.ParseRequest(q)
	fmt.Println(req.Day, req.Paper, req.Orientation, req.DPI, req.Auto(), err)
	w, h := req.Pixels()
	fmt.Printf("%d×%d pixels\n", w, h)

	_, err = sheet.ParseRequest(url.Values{"paper": {"B5"}})
	var re *sheet.RequestError
	fmt.Println(errors.As(err, &re), re.Param, errors.Is(err, sheet.ErrPaper))
	fmt.Println(err)
	// Output:
	// 1944-07-01 A3 portrait 150 true <nil>
	// 1754×2480 pixels
	// true paper true
	// paper "B5": unknown paper size: want A4, A3, Letter or Tabloid
}

func ExampleWrite() {
	c, err := overlays.LoadDir("testdata/campaign")
	if err != nil {
		log.Fatal(err)
	}
	sel, _ := c.Select("all")
	q, _ := url.ParseQuery("date=1944-07-01&dpi=72")
	req, err := sheet.ParseRequest(q)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := sheet.Write(context.Background(), &buf, tiles.New(c), sel, req); err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.Format.ContentType(), string(buf.Bytes()[:5]))
	// Output: application/pdf %PDF-
}

func ExampleNew() {
	c, err := overlays.LoadDir("testdata/campaign")
	if err != nil {
		log.Fatal(err)
	}
	sel, _ := c.Select("all")
	req := sheet.Request{Day: c.Extent.From + 30, Paper: sheet.Letter, DPI: 100, Title: "The siege"}
	s, err := sheet.New(tiles.New(c), sel, req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Title, "—", s.Subtitle)
	fmt.Printf("map %.0f×%.0f pt, %d×%d px at zoom %.2f\n", s.Layout.Map.W, s.Layout.Map.H, s.Frame.Width, s.Frame.Height, s.Frame.Zoom)
	fmt.Printf("scale bar %s = %.1f pt; %s at %.2f°N\n", s.Scale.Label(s.Scale.Metres, true), s.Scale.Length, s.Scale.Fraction(), s.Scale.Lat)
	fmt.Println(len(s.Legend), "legend entries,", len(s.Sources), "sources")
	// Output:
	// The siege — Situation on 1 July 1944
	// map 490×464 pt, 680×645 px at zoom 9.52
	// scale bar 20 km = 79.1 pt; 1:717,000 at 27.25°N
	// 8 legend entries, 12 sources
}
