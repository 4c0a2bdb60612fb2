-- Change sets: a planner's draft over one parent unit (a village, a town). Edits land here,
-- never in `units`, so lookups and public tiles do not see them until the set is published;
-- publishing writes them to `units` in one transaction (the triggers of 005 then keep the
-- history and the change log the index and tiles follow).
CREATE TABLE changesets (
    id              bigserial PRIMARY KEY,
    parent_code     text NOT NULL,
    title           text NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'published', 'discarded')),
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    published_by    text,
    published_at    timestamptz,
    discarded_by    text,
    discarded_at    timestamptz,
    -- an administrator's written reason for publishing despite coverage errors
    override_reason text,
    CONSTRAINT changesets_published CHECK (state <> 'published' OR (published_by IS NOT NULL AND published_at IS NOT NULL)),
    CONSTRAINT changesets_discarded CHECK (state <> 'discarded' OR (discarded_by IS NOT NULL AND discarded_at IS NOT NULL))
);
CREATE INDEX changesets_parent_idx ON changesets (parent_code) WHERE state = 'open';

-- One row per unit a set changes: the unit as the set leaves it (or deleted), the stored
-- version the edit was based on (NULL for a unit the set creates: publish refuses when the
-- stored unit moved on since), and a revision that counts the edits, for ETags.
CREATE TABLE changeset_units (
    changeset_id bigint NOT NULL REFERENCES changesets (id) ON DELETE CASCADE,
    code         text NOT NULL CHECK (code ~ '^[0-9]+$'),
    level        text NOT NULL,
    name         text NOT NULL,
    parent_code  text NOT NULL,
    parent_level text NOT NULL,
    geom         geometry(MultiPolygon, 4326),
    attrs        jsonb NOT NULL DEFAULT '{}'::jsonb,
    deleted      boolean NOT NULL DEFAULT false,
    base_version integer,
    revision     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (changeset_id, code)
);
-- The next free code under a parent looks at every set's drafts too.
CREATE INDEX changeset_units_parent_idx ON changeset_units (parent_code);

-- A change set reads every unit under its parent on each edit: a prefix range of codes,
-- which this index answers (codes are digits, so byte order is code order).
CREATE INDEX units_code_prefix_idx ON units (code text_pattern_ops);
