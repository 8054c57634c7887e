package sheet

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/xiang-maps/xiang/overlays"
)

// sources resolves the `source` ids cited by the features of shown (ids
// separated by semicolons, as "S14b; S5") through each layer's sources:
// every work once, by title, the works cited by the most features first,
// then in the order of their ids ("S2" before "S10"), so that a sheet with
// room for a few prints the most useful. An id a layer does not list is
// kept with no title.
func sources(shown overlays.Selection) []overlays.Source {
	cites := map[string]int{}
	var out []overlays.Source
	for _, l := range shown {
		for _, f := range l.Features {
			for _, id := range f.SourceIDs() {
				src := overlays.Source{ID: id}
				for _, s := range l.Sources {
					if s.ID == id {
						src = s
						break
					}
				}
				key := src.Title
				if key == "" {
					key = "\x00" + id
				}
				if cites[key] == 0 {
					out = append(out, src)
				}
				cites[key]++
			}
		}
	}
	key := func(s overlays.Source) string {
		if s.Title == "" {
			return "\x00" + s.ID
		}
		return s.Title
	}
	slices.SortStableFunc(out, func(a, b overlays.Source) int {
		if c := cmp.Compare(cites[key(b)], cites[key(a)]); c != 0 {
			return c
		}
		if c := compareIDs(a.ID, b.ID); c != 0 {
			return c
		}
		return cmp.Compare(a.Title, b.Title)
	})
	return out
}

// compareIDs orders ids by their text, reading runs of digits as numbers:
// S2 < S10 < S10b < T1.
func compareIDs(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digits returns the length of the run of ASCII digits s starts with,
// capped so that it always parses.
func digits(s string) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// sourceText is how a source is printed: its title, or its id.
func sourceText(s overlays.Source) string {
	if s.Title != "" {
		return s.Title
	}
	return s.ID
}
