package atlas_test

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/atlas"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// A server reads the query of GET /atlas/{layers}.pdf with ParseRequest and
// answers a *sheet.RequestError with a 4xx naming its parameter.
func ExampleParseRequest() {
	q, _ := url.ParseQuery("dates=1944-06-18,1944-07-15,1944-08-08&paper=a4")
	req, err := atlas.ParseRequest(q)
	fmt.Println(len(req.Days), req.Paper, req.Orientation, req.DPI, err)

	_, err = atlas.ParseRequest(url.Values{"dates": {"1944-07-15,1944-06-18"}})
	var re *sheet.RequestError
	fmt.Println(errors.As(err, &re), re.Param, errors.Is(err, atlas.ErrDates))
	fmt.Println(err)
	// Output:
	// 3 A4 landscape 150 <nil>
	// true dates true
	// dates "1944-07-15,1944-06-18": invalid dates: 1944-06-18 after 1944-07-15; want each date once, in order
}

// The siege of Hengyang in four phases: the days its events begin on, cut
// into four runs, each shown on its last day.
func ExamplePhases() {
	c, _ := hunan.Load()
	sel, _ := c.Select("hengyang")
	siege := geo.Span{From: geo.Date(1944, 6, 22), To: geo.Date(1944, 8, 8)}
	for _, p := range atlas.Phases(sel, 4, siege) {
		fmt.Printf("%s – %s: %d events, sheet of %s\n", p.From, p.To, len(p.Events), p.Day())
	}
	// Output:
	// 1944-06-22 – 1944-06-28: 4 events, sheet of 1944-06-28
	// 1944-07-11 – 1944-07-19: 4 events, sheet of 1944-07-19
	// 1944-07-20 – 1944-08-02: 4 events, sheet of 1944-08-02
	// 1944-08-04 – 1944-08-08: 5 events, sheet of 1944-08-08
}
