// Package migrations embeds the numbered SQL files that build gridmap's schema. They are
// applied in order by postgis.Migrate, each in its own transaction, and recorded.
package migrations

import "embed"

// FS holds the migration files, named NNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
