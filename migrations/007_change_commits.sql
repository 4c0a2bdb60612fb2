-- Commit order for the change log.
--
-- Followers used to read the log by row sequence number up to the oldest transaction still
-- running anywhere in the cluster (pg_snapshot_xmin), because a row's number is taken before
-- its transaction commits and a slower transaction may commit a lower number later. That made
-- every edit wait behind any long transaction, in any database of the cluster, even one that
-- never wrote here.
--
-- Instead, each transaction that writes to the log gets one commit number, taken at commit
-- time under a lock that is released only once the transaction is visible. Commit numbers are
-- therefore handed out in the order commits become visible (on a replica too, which replays
-- commits in the same order): a reader that sees commit N sees every commit below N, and a
-- follower can read "commits after my position" with nothing to wait for.
CREATE TABLE change_commits (
    txid         xid8 PRIMARY KEY,
    -- NULL only inside the writing transaction, until its commit assigns it.
    seq          bigint UNIQUE,
    committed_at timestamptz
);

CREATE SEQUENCE change_commit_seq;

CREATE INDEX changes_txid ON changes (txid);

-- Existing log rows: one commit per writing transaction, in the order of its first row.
INSERT INTO change_commits (txid, seq, committed_at)
SELECT txid, row_number() OVER (ORDER BY min(seq)), max(changed_at)
FROM changes GROUP BY txid;
SELECT setval('change_commit_seq', coalesce((SELECT max(seq) FROM change_commits), 0) + 1, false);

-- The first statement of a transaction that writes to the log registers the transaction; a
-- transaction-local setting spares the later statements (a bulk import logs per row) the
-- insert.
CREATE FUNCTION register_change_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gridmap.change_commit', true) IS DISTINCT FROM pg_current_xact_id()::text THEN
        INSERT INTO change_commits (txid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
        PERFORM set_config('gridmap.change_commit', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER changes_register_commit AFTER INSERT ON changes
    FOR EACH STATEMENT EXECUTE FUNCTION register_change_commit();

-- Runs at commit (a deferred constraint trigger fires once for the one registration row).
-- The transaction-scoped advisory lock is held until the commit is visible, so the next
-- writer takes its number only after this one can be seen. Writers wait on each other only
-- for the moment of their commits.
CREATE FUNCTION assign_change_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7243007); -- arbitrary, fixed: "gridmap change commits"
    UPDATE change_commits SET seq = nextval('change_commit_seq'), committed_at = clock_timestamp()
    WHERE txid = NEW.txid;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER change_commits_assign AFTER INSERT ON change_commits
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION assign_change_commit();
