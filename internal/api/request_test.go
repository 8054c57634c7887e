package api

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
)

func TestParseTileRequest(t *testing.T) {
	dated := func(layers, date, z, x, file string) map[string]string {
		return map[string]string{"layers": layers, "date": date, "z": z, "x": x, "file": file}
	}
	summary := func(layers, z, x, file string) map[string]string {
		return map[string]string{"layers": layers, "z": z, "x": x, "file": file}
	}
	tests := map[string]struct {
		vars  map[string]string
		query string
		want  TileRequest
		part  string // the part an error names; "" for success
	}{
		"dated":             {vars: dated("all", "1944-06-18", "8", "208", "107.png"), want: TileRequest{"all", geo.Date(1944, 6, 18), maptile.New(208, 107, 8), 1}},
		"dated @2x":         {vars: dated("a,b", "1944-06-18", "8", "208", "107@2x.png"), want: TileRequest{"a,b", geo.Date(1944, 6, 18), maptile.New(208, 107, 8), 2}},
		"summary":           {vars: summary("all", "0", "0", "0.png"), want: TileRequest{"all", geo.NoDay, maptile.New(0, 0, 0), 1}},
		"summary with date": {vars: summary("x-1", "20", "1048575", "1048575@2x.png"), query: "date=1945-08-15", want: TileRequest{"x-1", geo.Date(1945, 8, 15), maptile.New(1<<20-1, 1<<20-1, 20), 2}},
		"other params kept": {vars: summary("all", "1", "1", "1.png"), query: "v=3&date=1944-01-01", want: TileRequest{"all", geo.Date(1944, 1, 1), maptile.New(1, 1, 1), 1}},
		"z over max":        {vars: summary("all", "21", "0", "0.png"), part: "z"},
		"x at 2^z":          {vars: summary("all", "3", "8", "0.png"), part: "x"},
		"y at 2^z":          {vars: summary("all", "3", "0", "8.png"), part: "y"},
		"scale":             {vars: summary("all", "3", "0", "0@4x.png"), part: "scale"},
		"extension":         {vars: summary("all", "3", "0", "0.gif"), part: "extension"},
		"layers":            {vars: summary("ALL", "3", "0", "0.png"), part: "layers"},
		"empty layers":      {vars: summary("", "3", "0", "0.png"), part: "layers"},
		"date":              {vars: dated("all", "1944-00-10", "3", "0", "0.png"), part: "date"},
		"query date":        {vars: summary("all", "3", "0", "0.png"), query: "date=10/6/1944", part: "date"},
		"both dates":        {vars: dated("all", "1944-06-10", "3", "0", "0.png"), query: "date=1944-06-10", part: "date"},
		"bad query":         {vars: summary("all", "3", "0", "0.png"), query: "date=%", part: "query"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := ParseTileRequest(tc.vars, tc.query, 20)
			var re *Error
			switch {
			case tc.part == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.part == "" && got != tc.want:
				t.Errorf("got %+v, want %+v", got, tc.want)
			case tc.part != "" && !errors.As(err, &re):
				t.Fatalf("error %v, want a requestError about %s", err, tc.part)
			case tc.part != "" && (re.Part != tc.part || re.Status != 400 || !strings.Contains(re.Error(), tc.part)):
				t.Errorf("error %q about %q (status %d), want %q", re, re.Part, re.Status, tc.part)
			}
		})
	}
}

func TestEtagMatch(t *testing.T) {
	const etag = `"abc"`
	tests := map[string]struct {
		values []string
		want   bool
	}{
		"exact":          {[]string{`"abc"`}, true},
		"weak":           {[]string{`W/"abc"`}, true},
		"in a list":      {[]string{`"x", "abc"`}, true},
		"list no spaces": {[]string{`"x","abc"`}, true},
		"second header":  {[]string{`"x"`, `"abc"`}, true},
		"star":           {[]string{`*`}, true},
		"other":          {[]string{`"abd"`}, false},
		"unquoted":       {[]string{`abc`}, false},
		"empty":          {[]string{``}, false},
		"prefix":         {[]string{`"abc`}, false},
	}
	for name, tc := range tests {
		if got := ETagMatch(tc.values, etag); got != tc.want {
			t.Errorf("%s: etagMatch(%q) = %v", name, tc.values, got)
		}
	}
}

// FuzzParseTileRequest: any path parameters either fail with a 4xx
// requestError or give a tile that exists, at scale 1 or 2, whose canonical
// URL parses back to the same request.
func FuzzParseTileRequest(f *testing.F) {
	for _, p := range []string{
		"march/1944-06-20/8/208/108.png", "march/1944-06-31/8/208/108.png", "march/1944-06-20/08/208/108.png",
		"march/1944-06-20/8/-1/108.png", "march/1944-06-20/8/208/108@3x.png", "march/1944-06-20/30/0/0.png",
		"march,,context/1944-06-20/8/208/108.png", "march/1944-06-20/8/256/108.png?date=1944-06-21",
	} {
		path, query, _ := strings.Cut(p, "?")
		if segs := strings.Split(path, "/"); len(segs) == 5 {
			f.Add(segs[0], segs[1], segs[2], segs[3], segs[4], query)
		}
	}
	f.Add("all", "1944-06-18", "8", "208", "107@2x.png", "")
	f.Add("a,b", "", "0", "0", "0.png", "date=1944-06-18")
	f.Fuzz(func(t *testing.T, layers, date, z, x, file, query string) {
		vars := map[string]string{"layers": layers, "z": z, "x": x, "file": file}
		if date != "" {
			vars["date"] = date
		}
		req, err := ParseTileRequest(vars, query, 20)
		if err != nil {
			var re *Error
			if !errors.As(err, &re) || re.Status < 400 || re.Status > 499 || re.Msg == "" {
				t.Fatalf("error %v is not a 4xx requestError", err)
			}
			return
		}
		if !req.Tile.Valid() || req.Tile.Z > 20 || (req.Scale != 1 && req.Scale != 2) || req.Layers != layers {
			t.Fatalf("%+v from %v", req, vars)
		}
		suffix := ".png"
		if req.Scale == 2 {
			suffix = "@2x.png"
		}
		again := map[string]string{"layers": req.Layers, "z": fmt.Sprint(req.Tile.Z), "x": fmt.Sprint(req.Tile.X),
			"file": fmt.Sprint(req.Tile.Y) + suffix}
		if req.Day != geo.NoDay {
			again["date"] = req.Day.String()
		}
		back, err := ParseTileRequest(again, "", 20)
		if err != nil || back != req {
			t.Fatalf("%+v: canonical form %v parses to %+v, %v", req, again, back, err)
		}
	})
}
