package mbtiles

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/paulmach/orb/maptile"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schema is mbutil's deduplicating layout.
const schema = `
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE UNIQUE INDEX name ON metadata (name);
CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT);
CREATE UNIQUE INDEX map_index ON map (zoom_level, tile_column, tile_row);
CREATE TABLE images (tile_data BLOB, tile_id TEXT);
CREATE UNIQUE INDEX images_id ON images (tile_id);
CREATE VIEW tiles AS
  SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, map.tile_row AS tile_row,
         images.tile_data AS tile_data
  FROM map JOIN images ON images.tile_id = map.tile_id;
`

// Writer writes a new archive in one transaction: nothing is visible, or
// valid, until Close returns. A Writer is not safe for concurrent use.
type Writer struct {
	path   string
	db     *sql.DB
	tx     *sql.Tx
	addMap *sql.Stmt
	addImg *sql.Stmt
	seen   map[string]bool
	n      int
}

// Create creates an archive at path, which must not exist, with the given
// metadata (name, format, bounds, center, minzoom, maxzoom, attribution, …;
// the values as the specification spells them).
func Create(path string, metadata map[string]string) (*Writer, error) {
	// No rollback journal: an archive is written once, to a temporary
	// name, and renamed into place by the caller when complete.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=rwc&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	w := &Writer{path: path, db: db, seen: map[string]bool{}}
	if err := w.init(metadata); err != nil {
		db.Close()
		return nil, fmt.Errorf("mbtiles: %s: %w", path, err)
	}
	return w, nil
}

func (w *Writer) init(metadata map[string]string) error {
	var n int
	if err := w.db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errors.New("not a new database")
	}
	if _, err := w.db.Exec(schema); err != nil {
		return err
	}
	tx, err := w.db.Begin()
	if err != nil {
		return err
	}
	w.tx = tx
	for _, k := range slices.Sorted(maps.Keys(metadata)) {
		if _, err := tx.Exec(`INSERT INTO metadata (name, value) VALUES (?, ?)`, k, metadata[k]); err != nil {
			return err
		}
	}
	if w.addMap, err = tx.Prepare(`INSERT INTO map (zoom_level, tile_column, tile_row, tile_id) VALUES (?, ?, ?, ?)`); err != nil {
		return err
	}
	w.addImg, err = tx.Prepare(`INSERT INTO images (tile_data, tile_id) VALUES (?, ?)`)
	return err
}

// Add adds tile t with its bytes; bytes equal to an earlier tile's are
// stored once. Adding a tile twice is an error.
func (w *Writer) Add(t maptile.Tile, data []byte) error {
	if !t.Valid() {
		return fmt.Errorf("mbtiles: tile %d/%d/%d: not a tile", t.Z, t.X, t.Y)
	}
	sum := sha256.Sum256(data)
	id := hex.EncodeToString(sum[:16])
	if _, err := w.addMap.Exec(int(t.Z), t.X, tmsRow(t), id); err != nil {
		return fmt.Errorf("mbtiles: %s: tile %d/%d/%d: %w", w.path, t.Z, t.X, t.Y, err)
	}
	if !w.seen[id] {
		if _, err := w.addImg.Exec(data, id); err != nil {
			return fmt.Errorf("mbtiles: %s: tile %d/%d/%d: %w", w.path, t.Z, t.X, t.Y, err)
		}
		w.seen[id] = true
	}
	w.n++
	return nil
}

// Len returns the number of tiles added.
func (w *Writer) Len() int { return w.n }

// Close commits the archive and closes it.
func (w *Writer) Close() error {
	err := w.tx.Commit()
	if cerr := w.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("mbtiles: %s: %w", w.path, err)
	}
	return nil
}

// Abort discards what was written and closes the database; the caller
// removes the file.
func (w *Writer) Abort() {
	w.tx.Rollback()
	w.db.Close()
}

func tmsRow(t maptile.Tile) uint32 { return 1<<t.Z - 1 - t.Y }

// Reader reads an archive. It is safe for concurrent use.
type Reader struct {
	path string
	db   *sql.DB
	get  *sql.Stmt
}

// Open opens an archive read-only.
func Open(path string) (*Reader, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %s: %w", path, err)
	}
	get, err := db.Prepare(`SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("mbtiles: %s: not an MBTiles archive: %w", path, err)
	}
	return &Reader{path: path, db: db, get: get}, nil
}

// Tile returns the bytes of tile t, or ok false when the archive does not
// hold it.
func (r *Reader) Tile(ctx context.Context, t maptile.Tile) (data []byte, ok bool, err error) {
	if !t.Valid() {
		return nil, false, nil
	}
	err = r.get.QueryRowContext(ctx, int(t.Z), t.X, tmsRow(t)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("mbtiles: %s: tile %d/%d/%d: %w", r.path, t.Z, t.X, t.Y, err)
	}
	return data, true, nil
}

// Metadata returns the rows of the metadata table.
func (r *Reader) Metadata(ctx context.Context) (map[string]string, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT name, value FROM metadata`)
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %s: %w", r.path, err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v sql.NullString
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("mbtiles: %s: %w", r.path, err)
		}
		m[k.String] = v.String
	}
	return m, rows.Err()
}

// Close closes the archive.
func (r *Reader) Close() error {
	r.get.Close()
	return r.db.Close()
}

// Distinct returns the number of distinct tile bodies added.
func (w *Writer) Distinct() int { return len(w.seen) }
