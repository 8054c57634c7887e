// Package hunan embeds xiang's default campaign: the 1944–45 Hunan campaign
// of the Second Sino-Japanese War — Changsha and Yuelu Mountain (June 1944),
// the siege of Hengyang (June–August 1944) and the West Hunan battle for
// Zhijiang (April–June 1945) — with a context layer of rivers, railways and
// towns. docs/data.md describes the layers and their sources.
package hunan

import (
	"embed"
	"io/fs"

	"github.com/xiang-maps/xiang/overlays"
)

//go:embed *.geojson
var files embed.FS

// FS returns the layer files.
func FS() fs.FS { return files }

// Load loads and validates the embedded campaign.
func Load() (*overlays.Campaign, error) { return overlays.Load(files) }
