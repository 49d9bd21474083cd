/**
 * Versioned schema migrations for the PostgreSQL store. Same tables and column names as the DuckDB store
 * (`../duckdb/migrations.ts`) so the analytics SQL is shared; JSON columns are JSONB, blobs BYTEA, timestamps
 * `TIMESTAMP` (without time zone, always UTC). Each entry runs once, in order, inside a transaction, and is
 * recorded in `schema_migrations`. Never edit a released migration: add the next one.
 */
export const postgresMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events, items, users, artifacts',
    sql: `
      CREATE TABLE events (
        id          TEXT PRIMARY KEY,
        type        TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        session_id  TEXT,
        item_id     TEXT,
        ts          TIMESTAMP NOT NULL,
        quantity    DOUBLE PRECISION,
        price       DOUBLE PRECISION,
        revenue     DOUBLE PRECISION,
        query       TEXT,
        rating      DOUBLE PRECISION,
        text        TEXT,
        props       JSONB,
        rec_id      TEXT,
        received_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
      );
      CREATE INDEX events_ts_id ON events (ts, id);
      CREATE INDEX events_user_ts ON events (user_id, ts);
      CREATE TABLE items (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        description TEXT,
        category    TEXT,
        price       DOUBLE PRECISION,
        currency    TEXT,
        in_stock    BOOLEAN,
        tags        JSONB,
        attrs       JSONB,
        created_at  TIMESTAMP,
        updated_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
      );
      CREATE TABLE users (
        id          TEXT PRIMARY KEY,
        attrs       JSONB,
        updated_at  TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
      );
      CREATE TABLE artifacts (
        name        TEXT PRIMARY KEY,
        data        BYTEA NOT NULL,
        saved_at    TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
      );
    `,
  },
];
