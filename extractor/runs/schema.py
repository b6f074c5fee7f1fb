"""The store's schema: numbered migrations, applied in order when a store is opened.

Each migration is recorded in the ``migrations`` table when it is applied; a store opened
for writing gets the missing ones in one transaction each. Never edit a migration that
shipped: append a new one. The tables are described in :mod:`extractor.runs.store`.
"""

from __future__ import annotations

__all__ = ["BOOTSTRAP", "MIGRATIONS", "READABLE_FROM"]

#: the schema, one script per migration, applied in order; never edit one that shipped,
#: append a new one instead
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "initial schema",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            title TEXT,
            url TEXT,
            published TEXT,
            origin TEXT,
            text TEXT NOT NULL,
            first_seen TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            ended TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            settings TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            model TEXT,
            prompt_version TEXT,
            counts TEXT,
            usage TEXT
        );
        CREATE TABLE extractions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            fingerprint TEXT NOT NULL,
            run_id INTEGER REFERENCES runs(id),
            done TEXT NOT NULL,
            claims INTEGER NOT NULL,
            usage TEXT NOT NULL,
            PRIMARY KEY (article_id, fingerprint)
        );
        CREATE TABLE claims (
            id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            run_id INTEGER REFERENCES runs(id),
            speaker TEXT NOT NULL,
            stance TEXT,
            prompt_version TEXT,
            model TEXT,
            start INTEGER,
            "end" INTEGER,
            data TEXT NOT NULL,
            UNIQUE (id, fingerprint)
        );
        CREATE INDEX claims_by_article ON claims (article_id, start);
        CREATE INDEX claims_by_speaker ON claims (speaker);
        CREATE TABLE comparisons (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            created TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER REFERENCES runs(id),
            article_id TEXT,
            origin TEXT,
            line INTEGER,
            kind TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX errors_by_run ON errors (run_id);
        CREATE TABLE responses (
            key TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            data TEXT NOT NULL
        );
        """,
    ),
    (
        "speaker spans of claims",
        # claims written before keep their ids (article, quote and text); new ones are
        # span-based, so an article that repeats a sentence keeps both claims
        """
        ALTER TABLE claims ADD COLUMN speaker_start INTEGER;
        ALTER TABLE claims ADD COLUMN speaker_end INTEGER
        """,
    ),
    (
        "incremental comparison and changes",
        # clusters, members and claim vectors of the latest comparison, keyed by the
        # comparison fingerprint (embedder name and dim, thresholds, judge): a run with
        # another fingerprint recomputes everything; blocking keys find candidate
        # clusters of a new claim without loading the store; run_changes keeps what each
        # run found new, for `extractor changes` and the report
        """
        CREATE TABLE compare_config (
            fingerprint TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            config TEXT NOT NULL
        );
        CREATE TABLE clusters (
            id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            run_id INTEGER REFERENCES runs(id),
            relation TEXT NOT NULL,
            explanation TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (id, fingerprint)
        );
        CREATE TABLE cluster_members (
            cluster_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            claim_id TEXT NOT NULL,
            PRIMARY KEY (claim_id, fingerprint)
        );
        CREATE INDEX cluster_members_by_cluster ON cluster_members (cluster_id, fingerprint);
        CREATE TABLE claim_vectors (
            claim_id TEXT NOT NULL,
            embedder TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (claim_id, embedder)
        );
        CREATE TABLE blocking_keys (
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            cluster_id TEXT NOT NULL,
            PRIMARY KEY (key, fingerprint, cluster_id)
        );
        CREATE TABLE run_changes (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            created TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """,
    ),
    (
        "incremental comparison: keys by cluster, term counts",
        # replacing a cluster removes its keys: without this index every replacement
        # scanned the whole key table; term_counts holds how many compared claims name each
        # key term, so a run that compares a few claims weighs a shared name by its rarity
        # in the whole store (compare_config.claims: how many claims were counted);
        # claims_changed, filled by triggers, lists the claims written or deleted since the
        # last comparison, so a run finds what is new without reading every claim; articles
        # by url and origin: each new article looks for an older text at its address
        """
        CREATE TABLE claims_changed (claim_id TEXT NOT NULL);
        CREATE TRIGGER claims_inserted AFTER INSERT ON claims BEGIN
            INSERT INTO claims_changed (claim_id) VALUES (new.id);
        END;
        CREATE TRIGGER claims_deleted AFTER DELETE ON claims BEGIN
            INSERT INTO claims_changed (claim_id) VALUES (old.id);
        END;
        CREATE INDEX blocking_keys_by_cluster ON blocking_keys (cluster_id, fingerprint);
        CREATE INDEX articles_by_url ON articles (url);
        CREATE INDEX articles_by_origin ON articles (origin);
        CREATE TABLE term_counts (
            fingerprint TEXT NOT NULL,
            term TEXT NOT NULL,
            claims INTEGER NOT NULL,
            PRIMARY KEY (fingerprint, term)
        );
        ALTER TABLE compare_config ADD COLUMN claims INTEGER NOT NULL DEFAULT 0
        """,
    ),
)
#: the oldest schema the read-only commands can read (their queries use no later column)
READABLE_FROM = 1

BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied TEXT NOT NULL
)
"""
