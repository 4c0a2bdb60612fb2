-- Access: API keys for other systems, and the audit log of personal-data reads and publishes.

-- An API key is shown once, at creation: gmk_<id>_<secret>. Only the secret's SHA-256 is
-- kept (the secret is 32 random bytes, so a plain hash is enough: nothing to brute-force).
CREATE TABLE api_keys (
    id          text PRIMARY KEY,
    secret_hash bytea NOT NULL,
    name        text NOT NULL,
    -- grants as role:territory (or a bare role for every unit); geo/access reads them
    grants      text[] NOT NULL CHECK (cardinality(grants) > 0),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Who read personal data or published what, when and from where. Append-only: rows are
-- never changed or removed by gridmap, and the triggers below refuse anyone who tries.
CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    subject text NOT NULL,  -- the token's subject or the API key's id
    via     text NOT NULL,  -- jwt, key or cli
    action  text NOT NULL,
    target  text NOT NULL,  -- unit code, household id, change set id
    remote  text NOT NULL DEFAULT '',
    detail  jsonb
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target text_pattern_ops);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
