-- Writ's shared grant store: the audit trail is the log, as in the file store (docs/architecture.md).

-- One row per audit record: the exact JSON line TrailFormat writes (hash-chained: it holds its
-- `seq`, the `prev` hash and ends with its own `hash`), so that an export is byte for byte what
-- `writ audit verify` checks. Grants, pending requests and approvals are a fold over these rows.
CREATE TABLE writ_trail (
  seq  bigint   PRIMARY KEY CHECK (seq > 0),
  line text     NOT NULL,
  hash char(64) NOT NULL
);

-- The head of the chain. A change locks this row (SELECT ... FOR UPDATE) for its transaction:
-- changes from every replica commit one at a time, and the chain's order is their commit order.
CREATE TABLE writ_head (
  id   smallint PRIMARY KEY CHECK (id = 1),
  seq  bigint   NOT NULL,
  hash char(64) NOT NULL
);
INSERT INTO writ_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- The trail is append-only: a record is never updated or deleted by the service, and a session
-- that tries is refused (tampering by an owner who drops the trigger still breaks the chain).
CREATE FUNCTION writ_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the Writ audit trail is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER writ_trail_no_update BEFORE UPDATE OR DELETE ON writ_trail
  FOR EACH ROW EXECUTE FUNCTION writ_trail_append_only();
CREATE TRIGGER writ_trail_no_truncate BEFORE TRUNCATE ON writ_trail
  FOR EACH STATEMENT EXECUTE FUNCTION writ_trail_append_only();
