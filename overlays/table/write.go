package table

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
)

// Header is the header row Write writes; Read reads every column of it.
var Header = []string{"id", "layer", "kind", "side", "name", "name_zh", "unit", "lat", "lon",
	"start", "end", "time", "description", "source"}

// Write writes the point features of the selection (events, units,
// places, …) one a row, and each movement as one row per vertex sharing an
// id ("layer/index"), with the vertex's coordTime in "time". Other
// geometries (areas, fronts, rivers) have no place in a table: Write
// skips them and returns how many it skipped.
func Write(w io.Writer, sel overlays.Selection) (skipped int, err error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return 0, err
	}
	for _, l := range sel {
		for _, f := range l.Features {
			rec := func(id string, p orb.Point, t string) []string {
				return []string{id, l.ID, string(f.Kind), string(f.Side), f.Name, f.NameZh, f.Prop("unit"),
					num(p[1]), num(p[0]), f.Prop("start"), f.Prop("end"), t, f.Prop("description"), f.Prop("source")}
			}
			switch g := f.Geometry.(type) {
			case orb.Point:
				if err := cw.Write(rec("", g, "")); err != nil {
					return skipped, err
				}
			case orb.LineString:
				if f.Kind != overlays.KindMovement {
					skipped++
					continue
				}
				raw, _ := f.Properties["coordTimes"].([]any)
				for i, p := range g {
					t := ""
					if i < len(raw) {
						t, _ = raw[i].(string) // as written: 1944-06 stays 1944-06
					}
					if err := cw.Write(rec(f.ID(), p, t)); err != nil {
						return skipped, err
					}
				}
			default:
				skipped++
			}
		}
	}
	cw.Flush()
	return skipped, cw.Error()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
