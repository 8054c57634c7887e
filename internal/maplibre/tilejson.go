package maplibre

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// TileJSON is the TileJSON 3.0.0 document of the vector tiles of a layer
// list: the raster document's members with vector_layers, zooms 0 to
// vector.MaxZoom, and the time extent also as day numbers.
type TileJSON struct {
	api.TileJSON
	VectorLayers []vector.VectorLayer `json:"vector_layers"`
	// StartDay and EndDay are the time extent in days since 1970-01-01,
	// absent for undated layers.
	StartDay *int64 `json:"start_day,omitempty"`
	EndDay   *int64 `json:"end_day,omitempty"`
}

// NewTileJSON describes the vector tiles of sel at the URL template tmpl,
// for the data of the given version.
func NewTileJSON(sel overlays.Selection, tmpl, version string) TileJSON {
	tj := TileJSON{TileJSON: api.NewTileJSON(sel, vector.MaxZoom, tmpl), VectorLayers: vector.Schema()}
	tj.DataVersion = version
	if tj.Time != nil {
		from, _ := geo.ParseDay(tj.Time.Start)
		to, _ := geo.ParseDay(tj.Time.End)
		f, t := int64(from), int64(to)
		tj.StartDay, tj.EndDay = &f, &t
	}
	return tj
}

// serveTileJSON serves /tiles/{layers}.json?format=mvt.
func (h *Handler) serveTileJSON(w http.ResponseWriter, r *http.Request) {
	file := mux.Vars(r)["file"]
	spec, ok := strings.CutSuffix(file, ".json")
	if !ok {
		h.deps.Fail(w, r, api.BadPart("extension", file, "want {layers}.json?format=mvt for the vector TileJSON"))
		return
	}
	q, err := api.ParseQuery(r.URL.RawQuery)
	if err == nil {
		for k, vs := range q {
			switch {
			case k == "format" && (len(vs) != 1 || vs[0] != "mvt"):
				err = api.BadPart("format", strings.Join(vs, ","), "want format=mvt once")
			case k == "date":
				err = api.BadPart("date", strings.Join(vs, ","), "vector tiles hold every date: drop ?date=")
			case k != "format":
				err = api.BadPart("query", k, "want only format=mvt")
			}
		}
	}
	if err == nil {
		spec, err = api.CheckLayers(spec)
	}
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	d, sel, ok := h.selection(w, r, spec)
	if !ok {
		return
	}
	tmpl := h.deps.BaseURL(w, r) + "/tiles/" + spec + "/{z}/{x}/{y}.mvt"
	e, err := api.JSONEntry(NewTileJSON(sel, tmpl, d.Version))
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, e, h.deps.Headers.Meta)
}
