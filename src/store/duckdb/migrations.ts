/**
 * Versioned schema migrations for the DuckDB store. Each entry runs once, in order, inside a transaction,
 * and is recorded in `schema_migrations`. Never edit a released migration: add the next one.
 */
export const duckDbMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events, items, users, artifacts',
    sql: `
      CREATE TABLE events (
        id          VARCHAR PRIMARY KEY,
        type        VARCHAR NOT NULL,
        user_id     VARCHAR NOT NULL,
        session_id  VARCHAR,
        item_id     VARCHAR,
        ts          TIMESTAMP NOT NULL,
        quantity    DOUBLE,
        price       DOUBLE,
        revenue     DOUBLE,
        query       VARCHAR,
        rating      DOUBLE,
        text        VARCHAR,
        props       JSON,
        rec_id      VARCHAR,
        received_at TIMESTAMP NOT NULL DEFAULT current_timestamp
      );
      CREATE TABLE items (
        id          VARCHAR PRIMARY KEY,
        title       VARCHAR NOT NULL,
        description VARCHAR,
        category    VARCHAR,
        price       DOUBLE,
        currency    VARCHAR,
        in_stock    BOOLEAN,
        tags        JSON,
        attrs       JSON,
        created_at  TIMESTAMP,
        updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
      );
      CREATE TABLE users (
        id          VARCHAR PRIMARY KEY,
        attrs       JSON,
        updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
      );
      CREATE TABLE artifacts (
        name        VARCHAR PRIMARY KEY,
        data        BLOB NOT NULL,
        saved_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
      );
    `,
  },
];
