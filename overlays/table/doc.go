// Package table reads CSV files into xiang layers and writes the events,
// units, places and movements of layers as CSV.
//
// Columns are found by their header, in any order and case: name, name_zh,
// lat/latitude, lon/lng/long/longitude, date/start/start_date/begin,
// end/end_date, time/timestamp (one time per row of a movement), kind,
// side, unit, description, source, and an id column (id, track, group,
// movement) whose rows become one movement in the order of their dates
// (or, for kind unit, one unit's positions, each until the next).
// Other columns are kept as properties. Slashed dates (08/17/1914) are read
// day or month first as the column's values decide, or as Options.Dates
// says. A byte order mark is skipped; the separator is a comma, semicolon
// or tab, whichever the header uses most; a file that is not UTF-8 is read
// as Windows-1252, as spreadsheets write it.
package table
