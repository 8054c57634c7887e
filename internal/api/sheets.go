package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/xiang-maps/xiang/tiles/atlas"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// printParams are the query parameters of /print; the format comes from
// the extension.
var printParams = []string{"date", "bbox", "paper", "orientation", "dpi", "title", "subtitle"}

// ParsePrintRequest parses the file and query of /print/{layers}.pdf|png?date=&bbox=&paper=&
// orientation=&dpi=&title=&subtitle=.
func ParsePrintRequest(file, rawQuery string) (layers string, req sheet.Request, err error) {
	stem, ext := file, ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		stem, ext = file[:i], file[i:]
	}
	var format sheet.Format
	switch ext {
	case ".pdf":
		format = sheet.PDF
	case ".png":
		format = sheet.PNG
	default:
		return "", req, BadPart("extension", ext, "want .pdf or .png (the file is "+Quote(file)+")")
	}
	if layers, err = CheckLayers(stem); err != nil {
		return "", req, err
	}
	q, err := ParseQuery(rawQuery)
	if err != nil {
		return "", req, err
	}
	if err := KnownParams(q, printParams); err != nil {
		return "", req, err
	}
	if req, err = sheet.ParseRequest(q); err != nil {
		return "", req, PrintError(err)
	}
	req.Format = format
	if err := req.Check(); err != nil {
		return "", req, PrintError(err)
	}
	return layers, req, nil
}

// PrintError turns a sheet.RequestError into a 400 naming its parameter
// (413 for a sheet over the pixel cap).
func PrintError(err error) error {
	var re *sheet.RequestError
	if !errors.As(err, &re) {
		return err
	}
	status := http.StatusBadRequest
	if errors.Is(err, sheet.ErrTooLarge) {
		status = http.StatusRequestEntityTooLarge
	}
	return &Error{Status: status, Part: re.Param, Msg: err.Error(), Err: err}
}

// atlasParams are the query parameters of /atlas.
var atlasParams = []string{"dates", "phases", "bbox", "paper", "orientation", "dpi", "title"}

// ParseAtlasRequest parses the file and query of /atlas/{layers}.pdf?dates=|phases=&bbox=&paper=&
// orientation=&dpi=&title=.
func ParseAtlasRequest(file, rawQuery string) (layers string, req atlas.Request, err error) {
	stem, ok := strings.CutSuffix(file, ".pdf")
	if !ok {
		ext := ""
		if i := strings.LastIndexByte(file, '.'); i >= 0 {
			ext = file[i:]
		}
		return "", req, BadPart("extension", ext, "want .pdf (the file is "+Quote(file)+")")
	}
	if layers, err = CheckLayers(stem); err != nil {
		return "", req, err
	}
	q, err := ParseQuery(rawQuery)
	if err != nil {
		return "", req, err
	}
	if err := KnownParams(q, atlasParams); err != nil {
		return "", req, err
	}
	if req, err = atlas.ParseRequest(q); err != nil {
		return "", req, PrintError(err)
	}
	return layers, req, nil
}
