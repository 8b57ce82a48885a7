"""PostgreSQL: every change of `heads` is announced on the channel gongkai_heads (NOTIFY), so
a process may keep which version is current and drop it when told (store/heads_listener.py).
Nothing on SQLite.

Statement-level triggers with transition tables: a bulk load changing 142,500 heads in one
statement sends one notification. Its payload is JSON: {"schema": the schema of `heads`,
"keys": [[agency_id, year], …]}, or "keys": null (forget everything) when the keys are many
or would not fit in a payload (8000 bytes at most).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FUNCTION = "gongkai_heads_notify"
EXECUTE = f"EXECUTE FUNCTION {FUNCTION}()"
TRIGGERS = {  # trigger name -> its event and transition tables
    "gongkai_heads_inserted": "AFTER INSERT ON heads REFERENCING NEW TABLE AS new_heads",
    "gongkai_heads_updated": (
        "AFTER UPDATE ON heads REFERENCING OLD TABLE AS old_heads NEW TABLE AS new_heads"
    ),
    "gongkai_heads_deleted": "AFTER DELETE ON heads REFERENCING OLD TABLE AS old_heads",
    "gongkai_heads_truncated": "AFTER TRUNCATE ON heads",
}

# The keys of at most MAX_KEYS rows are sent; past that, or past MAX_BYTES, "keys" is null.
NOTIFY = """
CREATE FUNCTION gongkai_heads_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
    keys json;
    payload text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO changed FROM new_heads;
        IF changed BETWEEN 1 AND 200 THEN
            SELECT json_agg(json_build_array(agency_id, year)) INTO keys FROM new_heads;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO changed FROM old_heads;
        IF changed BETWEEN 1 AND 200 THEN
            SELECT json_agg(json_build_array(agency_id, year)) INTO keys FROM old_heads;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT count(*) INTO changed FROM new_heads;
        IF changed BETWEEN 1 AND 100 THEN
            SELECT json_agg(json_build_array(agency_id, year)) INTO keys FROM (
                SELECT agency_id, year FROM old_heads
                UNION SELECT agency_id, year FROM new_heads
            ) AS moved;
        END IF;
    ELSE  -- TRUNCATE
        changed := 1;
    END IF;
    IF changed = 0 THEN
        RETURN NULL;
    END IF;
    payload := json_build_object('schema', TG_TABLE_SCHEMA, 'keys', keys)::text;
    IF keys IS NOT NULL AND octet_length(payload) > 7900 THEN
        payload := json_build_object('schema', TG_TABLE_SCHEMA, 'keys', NULL)::text;
    END IF;
    PERFORM pg_notify('gongkai_heads', payload);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY)
    for name, event in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} {event} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON heads")
    op.execute(f"DROP FUNCTION {FUNCTION}()")
