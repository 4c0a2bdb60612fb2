-- The units under a change set's parent as the set would leave them: every stored
-- descendant of the parent, replaced by the set's edit where there is one, and the units the
-- set creates; `deleted` marks the ones it removes. One definition for the store (validate,
-- publish, the set's GeoJSON), its OGC API landing page and its preview tiles.
--
-- A plain SQL function: the planner inlines it into each query, so the descendants are read
-- as a range of codes (digits sort before ':') through units_code_prefix_idx.
CREATE FUNCTION changeset_view(set_id bigint, parent text)
RETURNS TABLE (code text, level text, name text, parent_code text, parent_level text,
               geom geometry, attrs jsonb, version integer, valid_from timestamptz,
               revision integer, deleted boolean)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(e.code, u.code),
           CASE WHEN e.code IS NULL THEN u.level ELSE e.level END,
           CASE WHEN e.code IS NULL THEN u.name ELSE e.name END,
           CASE WHEN e.code IS NULL THEN u.parent_code ELSE e.parent_code END,
           CASE WHEN e.code IS NULL THEN u.parent_level ELSE e.parent_level END,
           CASE WHEN e.code IS NULL THEN u.geom ELSE e.geom END,
           CASE WHEN e.code IS NULL THEN u.attrs ELSE e.attrs END,
           coalesce(CASE WHEN e.code IS NULL THEN u.version ELSE e.base_version END, 0),
           CASE WHEN e.code IS NULL THEN u.valid_from END,
           coalesce(e.revision, 0),
           coalesce(e.deleted, false)
    FROM (SELECT * FROM units WHERE units.code ~>~ parent AND units.code ~<~ (parent || ':')) u
    FULL JOIN (SELECT * FROM changeset_units WHERE changeset_id = set_id) e ON e.code = u.code
$$;
