package postgis

import (
	"context"
	"fmt"

	"github.com/gridmap/gridmap/geo"
	"github.com/gridmap/gridmap/geo/importfile"
	"github.com/jackc/pgx/v5"
)

// peoplePipeline loads people.csv: people are upserted by id, and the responsibilities of
// every person in the file are replaced by the file's rows. Counts are of persons; one whose
// name, phone or set of roles changed counts as updated.
var peoplePipeline = pipeline[geo.Responsibility]{
	read:     importfile.ReadPeople,
	validate: geo.ValidateResponsibilities,
	table:    "import_people",
	columns: []string{"id text NOT NULL", "name text NOT NULL", "phone text NOT NULL",
		"role text NOT NULL", "unit_code text NOT NULL", "want_level text NOT NULL"},
	row: func(p geo.Responsibility) ([]any, error) {
		// The level each role answers for comes from geo, so SQL needs no copy of it.
		return []any{p.PersonID, p.Name, p.Phone, string(p.Role), p.UnitCode, string(geo.RoleLevel[p.Role])}, nil
	},
	checks: []check{{sql: peopleTargetSQL, problem: peopleProblem}},
	store:  storePeople,
}

// peopleTargetSQL finds rows whose unit is not stored or is at a level the role does not
// answer for: a unit_head needs a ten-household unit, every other role a unit of its level.
const peopleTargetSQL = `
SELECT s.idx, s.id, s.role, s.unit_code, s.want_level, u.level, t.code IS NOT NULL
FROM import_people s
LEFT JOIN units u ON u.code = s.unit_code
LEFT JOIN tenhh_units t ON t.code = s.unit_code
WHERE CASE WHEN s.role = 'unit_head' THEN t.code IS NULL
           ELSE u.level IS DISTINCT FROM s.want_level END
ORDER BY s.idx`

func peopleProblem(r pgx.CollectableRow) (geo.Problem, error) {
	var role, unit, want string
	var level *string
	var isTenHH bool
	p, err := scanProblem(r, "unit_code", &role, &unit, &want, &level, &isTenHH)
	if err != nil {
		return p, err
	}
	switch {
	case role == string(geo.UnitHead) && level != nil:
		p.Message = fmt.Sprintf("%s is a %s, but a unit_head answers for a ten-household unit", unit, *level)
	case role == string(geo.UnitHead):
		p.Message = fmt.Sprintf("ten-household unit %s is not in the database", unit)
	case isTenHH:
		p.Message = fmt.Sprintf("%s is a ten-household unit, but a %s answers for a %s", unit, role, want)
	case level == nil:
		p.Message = fmt.Sprintf("unit %s is not in the database", unit)
	default:
		p.Message = fmt.Sprintf("%s is a %s, but a %s answers for a %s", unit, *level, role, want)
	}
	return p, nil
}

// peopleRolesChangedSQL lists stored persons of the file whose set of responsibilities
// the file changes, compared as sorted "role:unit" lists.
const peopleRolesChangedSQL = `
WITH file AS (
    SELECT id, array_agg(entry ORDER BY entry) AS roles
    FROM (SELECT id, role || ':' || unit_code AS entry FROM import_people) e
    GROUP BY id
), stored AS (
    SELECT person_id AS id, array_agg(entry ORDER BY entry) AS roles
    FROM (SELECT person_id, role || ':' || coalesce(unit_code, tenhh_code) AS entry
          FROM responsibilities
          WHERE person_id IN (SELECT id FROM import_people)) e
    GROUP BY person_id
)
SELECT f.id
FROM file f
JOIN people p ON p.id = f.id
LEFT JOIN stored s ON s.id = f.id
WHERE s.roles IS DISTINCT FROM f.roles`

// upsertPeopleSQL inserts new persons and updates those whose name or phone changed; the
// file's rows for one id agree on both (geo.ValidateResponsibilities checks).
const upsertPeopleSQL = `
INSERT INTO people AS p (id, name, phone)
SELECT DISTINCT ON (id) id, name, phone FROM import_people ORDER BY id, idx
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone
WHERE (p.name, p.phone) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.phone)
RETURNING id, xmax = 0`

// deleteRolesSQL and insertRolesSQL replace the responsibilities of the given persons (new
// ones and those whose roles the file changes) with the file's. Persons whose roles stay
// are left alone, so a re-import writes nothing to the change log.
const deleteRolesSQL = `DELETE FROM responsibilities WHERE person_id = ANY($1)`

const insertRolesSQL = `
INSERT INTO responsibilities (person_id, role, unit_code, tenhh_code)
SELECT id, role,
       CASE WHEN role <> 'unit_head' THEN unit_code END,
       CASE WHEN role = 'unit_head' THEN unit_code END
FROM import_people WHERE id = ANY($1)`

// storePeople upserts the persons, replaces their responsibilities and fills counts.
func storePeople(ctx context.Context, tx pgx.Tx, counts *ImportCounts) error {
	rows, err := tx.Query(ctx, peopleRolesChangedSQL)
	if err != nil {
		return err
	}
	rolesChanged, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	updated := map[string]bool{}
	for _, id := range rolesChanged {
		updated[id] = true
	}
	rows, err = tx.Query(ctx, upsertPeopleSQL)
	if err != nil {
		return err
	}
	var id string
	var inserted bool
	replace := rolesChanged
	_, err = pgx.ForEachRow(rows, []any{&id, &inserted}, func() error {
		if inserted {
			counts.Inserted++
			replace = append(replace, id)
		} else {
			updated[id] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, deleteRolesSQL, replace); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, insertRolesSQL, replace); err != nil {
		return err
	}
	var persons int
	if err := tx.QueryRow(ctx, `SELECT count(DISTINCT id) FROM import_people`).Scan(&persons); err != nil {
		return err
	}
	counts.Updated = len(updated)
	counts.Unchanged = persons - counts.Inserted - counts.Updated
	return nil
}
