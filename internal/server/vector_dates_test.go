package server

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
)

// dayLabel is a route's day label as MapLibre placed it.
type dayLabel struct {
	Label string `json:"label"`
	Start int    `json:"start"`
}

// TestVectorDayLabels checks that MapLibre writes the routes' day labels
// as the raster does: at Changsha on 1944-06-10 the Japanese columns'
// dated points of that day and before are labelled and none after; six
// days later the later ones are there too, with no new tile request
// (checked by TestVectorScrub).
func TestVectorDayLabels(t *testing.T) {
	browser := testkit.Chrome(t, 120*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	ts, _ := newVectorServer(t)
	tb := openTab(t, browser, "vector viewer", ts.URL+"/?mode=vector&date=1944-06-10&view=112.95,28.2,10", 900, 600)
	waitLoaded(tb)
	placed := func() []dayLabel {
		// Placement settles after the tiles: wait for an idle map.
		return eval[[]dayLabel](tb, `(async () => {
			if (!xiang.map.loaded()) await new Promise((r) => xiang.map.once("idle", r));
			return xiang.map.queryRenderedFeatures({layers: ["labels-date"]})
				.map((f) => ({label: f.properties.label, start: f.properties.start_day}));
		})()`)
	}
	for _, step := range []struct {
		date  geo.Day
		ahead int // days the slider moves before looking
	}{
		{geo.Date(1944, 6, 10), 0},
		{geo.Date(1944, 6, 16), 6},
	} {
		t.Run(step.date.String(), func(t *testing.T) {
			if step.ahead > 0 {
				tb.Run(`{const s = document.getElementById("slider"); s.value = Number(s.value) + ` + strconv.Itoa(step.ahead) + `; s.dispatchEvent(new Event("input"));}`)
				waitLoaded(tb)
			}
			if got := eval[string](tb, `document.body.dataset.date`); got != step.date.String() {
				t.Fatalf("viewer at %s, want %s", got, step.date)
			}
			labels := placed()
			var texts []string
			late := 0
			for _, l := range labels {
				texts = append(texts, l.Label)
				if geo.Day(l.Start) > step.date {
					t.Errorf("label %q (day %s) drawn on %s", l.Label, geo.Day(l.Start), step.date)
				}
				if geo.Day(l.Start) > geo.Date(1944, 6, 10) {
					late++
				}
			}
			if len(labels) < 2 {
				t.Errorf("%d day labels drawn (%v), want the routes' dated points", len(labels), texts)
			}
			if step.ahead > 0 && late == 0 {
				t.Errorf("no label dated after 1944-06-10 on %s: %v", step.date, texts)
			}
			slices.Sort(texts)
			t.Logf("%s: %v", step.date, texts)
			testkit.Save(t, "day-labels-"+step.date.String()+".png", tb.Screenshot("#map"))
		})
	}
	tb.CheckClean()
}
