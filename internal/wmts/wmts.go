// Package wmts writes xiang's WMTS 1.0.0 capabilities (RESTful binding):
// one WMTS layer per campaign layer and one, "all", for every layer at
// once, on OGC's GoogleMapsCompatible tile matrix set, with a Time
// dimension for dated layers whose default is the layer's busiest day.
package wmts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// Path is where the capabilities are served.
const Path = "/wmts/1.0.0/WMTSCapabilities.xml"

// wmtsTileMatrixSet is the identifier of the one tile matrix set: OGC's
// well-known GoogleMapsCompatible (EPSG:3857, 256-pixel tiles, the XYZ
// scheme), so a WMTS client and an XYZ client ask for the same tiles.
const wmtsTileMatrixSet = "GoogleMapsCompatible"

// scale0 is the scale denominator of zoom 0 of GoogleMapsCompatible: the
// equator's length over 256 pixels of 0.28 mm.
const scale0 = 559082264.0287178

// wmtsLayer is one layer of the capabilities.
type wmtsLayer struct {
	id, title, abstract string
	bound               orb.Bound
	extent              geo.Span // geo.Span{} when undated
	features            int
	busiest             geo.Day // the default of the Time dimension
}

// Capabilities returns the capabilities document of campaign c, whose
// tiles are served under base, from zoom 0 to maxZoom; title names the
// "all" layer.
func Capabilities(c *overlays.Campaign, base string, maxZoom int, title string) []byte {
	layers := []wmtsLayer{{id: "all", title: title, abstract: "Every layer of the campaign",
		bound: c.Bound, extent: c.Extent, features: c.Features(), busiest: BusiestDay(c.Extent, c.Layers...)}}
	for _, l := range c.Layers {
		layers = append(layers, wmtsLayer{id: l.ID, title: l.Title, abstract: l.Description,
			bound: l.Bound, extent: l.Extent, features: len(l.Features), busiest: BusiestDay(l.Extent, l)})
	}
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1"` +
		` xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xsi:schemaLocation="http://www.opengis.net/wmts/1.0 http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd" version="1.0.0">` + "\n")
	fmt.Fprintf(&b, " <ows:ServiceIdentification><ows:Title>%s</ows:Title><ows:ServiceType>OGC WMTS</ows:ServiceType><ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>\n", esc(title))
	b.WriteString(" <Contents>\n")
	for _, l := range layers {
		b.WriteString("  <Layer>\n")
		fmt.Fprintf(&b, "   <ows:Title>%s</ows:Title>\n", esc(firstNonEmpty(l.title, l.id)))
		if l.abstract != "" {
			fmt.Fprintf(&b, "   <ows:Abstract>%s</ows:Abstract>\n", esc(l.abstract))
		}
		bd := l.bound
		if l.features == 0 {
			bd = orb.Bound{Min: orb.Point{-180, -overlays.MaxLat}, Max: orb.Point{180, overlays.MaxLat}}
		}
		fmt.Fprintf(&b, "   <ows:WGS84BoundingBox><ows:LowerCorner>%g %g</ows:LowerCorner><ows:UpperCorner>%g %g</ows:UpperCorner></ows:WGS84BoundingBox>\n",
			bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
		fmt.Fprintf(&b, "   <ows:Identifier>%s</ows:Identifier>\n", esc(l.id))
		b.WriteString("   <Style isDefault=\"true\"><ows:Identifier>default</ows:Identifier></Style>\n")
		b.WriteString("   <Format>image/png</Format>\n")
		dated := l.extent != (geo.Span{}) && !l.extent.Empty()
		if dated {
			b.WriteString("   <Dimension><ows:Identifier>Time</ows:Identifier><UOM>ISO8601</UOM>")
			fmt.Fprintf(&b, "<Default>%s</Default><Current>false</Current>\n", l.busiest)
			for d := l.extent.From; d <= l.extent.To; d++ {
				fmt.Fprintf(&b, "    <Value>%s</Value>\n", d)
			}
			b.WriteString("   </Dimension>\n")
		}
		fmt.Fprintf(&b, "   <TileMatrixSetLink><TileMatrixSet>%s</TileMatrixSet></TileMatrixSetLink>\n", wmtsTileMatrixSet)
		tmpl := base + "/tiles/" + l.id + "/{TileMatrix}/{TileCol}/{TileRow}.png"
		if dated {
			tmpl = base + "/tiles/" + l.id + "/{Time}/{TileMatrix}/{TileCol}/{TileRow}.png"
		}
		fmt.Fprintf(&b, "   <ResourceURL format=\"image/png\" resourceType=\"tile\" template=\"%s\"/>\n", esc(tmpl))
		b.WriteString("  </Layer>\n")
	}
	fmt.Fprintf(&b, "  <TileMatrixSet>\n   <ows:Identifier>%s</ows:Identifier>\n", wmtsTileMatrixSet)
	b.WriteString("   <ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>\n")
	b.WriteString("   <WellKnownScaleSet>urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible</WellKnownScaleSet>\n")
	for z := 0; z <= maxZoom; z++ {
		n := 1 << z
		fmt.Fprintf(&b, "   <TileMatrix><ows:Identifier>%d</ows:Identifier><ScaleDenominator>%s</ScaleDenominator>"+
			"<TopLeftCorner>-20037508.3427892 20037508.3427892</TopLeftCorner><TileWidth>256</TileWidth><TileHeight>256</TileHeight>"+
			"<MatrixWidth>%d</MatrixWidth><MatrixHeight>%d</MatrixHeight></TileMatrix>\n",
			z, formatScale(scale0/math.Pow(2, float64(z))), n, n)
	}
	b.WriteString("  </TileMatrixSet>\n </Contents>\n")
	fmt.Fprintf(&b, " <ServiceMetadataURL xlink:href=\"%s\"/>\n", esc(base+Path))
	b.WriteString("</Capabilities>\n")
	return b.Bytes()
}

// busiestDay returns the day of extent on which most dated features of the
// layers are visible, the earliest on a tie; extent.From when none is dated.
// BusiestDay is the default of a layer's Time dimension: the day of
// extent on which most of the layers' dated features are visible, the
// earliest on a tie.
func BusiestDay(extent geo.Span, layers ...*overlays.Layer) geo.Day {
	n := extent.Days()
	if n <= 0 {
		return extent.From
	}
	diff := make([]int, n+1)
	for _, l := range layers {
		for _, f := range l.Features {
			if f.Span == geo.All {
				continue
			}
			from, to := max(f.Span.From, extent.From), min(f.Span.To, extent.To)
			if from > to {
				continue
			}
			diff[from-extent.From]++
			diff[to-extent.From+1]--
		}
	}
	best, bestN, cur := 0, -1, 0
	for i := range n {
		cur += diff[i]
		if cur > bestN {
			best, bestN = i, cur
		}
	}
	return extent.From + geo.Day(best)
}

func formatScale(v float64) string { return fmt.Sprintf("%.10g", v) }

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
