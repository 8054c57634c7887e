package main

import (
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// loadCampaign loads dir, or the embedded default campaign when dir is "".
func loadCampaign(dir string) (*overlays.Campaign, error) {
	if dir == "" {
		return hunan.Load()
	}
	return overlays.LoadDir(dir)
}

// parseDateFlag parses a -date value: "" is the summary map (geo.NoDay).
func parseDateFlag(s string) (geo.Day, error) {
	if s == "" {
		return geo.NoDay, nil
	}
	return geo.ParseDay(s)
}
