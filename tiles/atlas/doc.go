// Package atlas writes a campaign atlas: one PDF with a cover, one printed
// sheet per date and a shared page of sources.
//
// Each sheet is a tiles/sheet Sheet of the selected layers on its date,
// with everything a single print has — the date in its title block, a
// legend of only the symbols on that sheet, scale bar, north arrow,
// graticule, locator map, the sources it cites — and its page number in
// the footer. The cover lists the sheets with their dates and pages (and,
// for phases, the events of each phase) over a key map of the campaign's
// context layer with each sheet's map outlined and numbered; the sources
// page lists every work cited on any sheet once, with the sheets that cite
// it.
//
// The dates are given, or derived from the campaign's own events by
// Phases: the distinct days on which the selected layers' events begin are
// split, in order, into n runs of as equal a number of days as can be, and
// each run is one phase whose sheet shows its last day — the situation at
// the end of the phase, with its last events on the map.
//
// An atlas is bounded: at most MaxSheets sheets and MaxPixels pixels over
// all of them. Bad requests are *sheet.RequestError values naming the
// parameter (dates, phases, paper, dpi, …), as a single print's are.
package atlas
